// GPT writer and reader: round trip, acceptance by sgdisk/sfdisk/blkid, determinism, and the
// errors each kind of bad input or damaged image must give.
#include "builder/disk/gpt/gpt.hpp"

#include "tests/support/files.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <vector>

namespace fs = std::filesystem;
using builder::DiskInfo;
using builder::DiskSpec;
using builder::Guid;
using builder::PartitionInfo;
using builder::PartitionSpec;

namespace {

constexpr uint64_t kMiB = 1024 * 1024;
// Discoverable Partitions Specification: the root partition of x86-64.
const Guid x86_64_root = builder::parse_guid("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");

// Deterministic non-zero-looking bytes, so a misplaced copy cannot pass by accident.
std::string pattern(size_t size, uint32_t seed) {
    std::string out(size, '\0');
    uint32_t x = seed * 2654435761u + 1;
    for (auto& c : out) {
        x = x * 1664525u + 1013904223u;
        c = static_cast<char>(x >> 24);
    }
    return out;
}

std::string read_range(const std::string& path, uint64_t offset, size_t size) {
    std::ifstream f(path, std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    std::string out(size, '\0');
    f.read(out.data(), static_cast<std::streamsize>(size));
    REQUIRE(f.gcount() == static_cast<std::streamsize>(size));
    return out;
}

bool have_tool(const std::string& name) {
    return shell("PATH=$PATH:/usr/sbin:/sbin command -v " + name).status == 0;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The three-partition disk most tests use: ESP 2 MiB with content, root sized by its content
// (3 MiB + 123 bytes -> 4 MiB), empty 4 MiB data partition.
struct Fixture {
    TempDir dir;
    std::string esp_content = pattern(300 * 1024 + 7, 1);
    std::string root_content = pattern(3 * kMiB + 123, 2);
    DiskSpec spec;

    Fixture() {
        REQUIRE(spit(dir.file("esp.img"), esp_content));
        REQUIRE(spit(dir.file("root.img"), root_content));
        spec.guid_seed = "test-seed";
        spec.partitions = {
            {"seedboot-esp", builder::gpt_type::esp, dir.file("esp.img"), 2 * kMiB},
            {"seedboot-root", x86_64_root, dir.file("root.img"), 0},
            {"seedboot-data", builder::gpt_type::linux_data, "", 4 * kMiB},
        };
    }

    std::string write(const std::string& name) {
        std::string err;
        std::string out = dir.file(name);
        bool ok = builder::write_gpt_disk(spec, out, err);
        INFO(err);
        REQUIRE(ok);
        return out;
    }
};

// Runs `command` and expects it to succeed with each of `wanted` in its output; with
// `squeeze`, spaces and newlines are dropped from the output first (for JSON).
void expect_output(const std::string& command, const std::vector<std::string>& wanted,
                   bool squeeze = false) {
    ShellResult r = shell(command);
    std::string out = r.output;
    INFO(command << "\n" << out);
    CHECK(r.status == 0);
    if (squeeze) std::erase_if(out, [](char c) { return c == ' ' || c == '\n'; });
    for (const auto& w : wanted) CHECK(out.find(w) != std::string::npos);
}

// Compared by a function so that Catch does not print megabytes on failure.
bool same_bytes(const std::string& a, const std::string& b) {
    return a == b;
}

bool all_zero(const std::string& v) {
    return std::all_of(v.begin(), v.end(), [](char c) { return c == 0; });
}

// Expects read_gpt_disk to fail on `path` with a message naming it and containing `what`.
void expect_read_error(const std::string& path, const std::string& what) {
    DiskInfo info;
    std::string err;
    bool ok = builder::read_gpt_disk(path, info, err);
    INFO(err);
    CHECK_FALSE(ok);
    CHECK(err.find(path) != std::string::npos);
    CHECK(err.find(what) != std::string::npos);
}

} // namespace

TEST_CASE("root partition types are the Discoverable Partitions ones for each arch", "[gpt]") {
    auto root_of = [](const char* arch) {
        return builder::format_guid(builder::root_type(*seedboot::find_arch(arch)));
    };
    CHECK(root_of("i386") == "44479540-F297-41B2-9AF7-D131D5F0458A");
    CHECK(root_of("x86_64") == "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");
    CHECK(root_of("aarch64") == "B921B045-1DF0-41C3-AF44-4C6F280D3FAE");
}

TEST_CASE("GUID text and byte order", "[gpt]") {
    const Guid& esp = builder::gpt_type::esp;
    CHECK(builder::format_guid(esp) == "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    // Mixed endian: the first field is stored little-endian, the last ones as written.
    CHECK(esp.bytes[0] == 0x28);
    CHECK(esp.bytes[3] == 0xC1);
    CHECK(esp.bytes[4] == 0x1F);
    CHECK(esp.bytes[8] == 0xBA);
    CHECK(esp.bytes[15] == 0x3B);
    CHECK(builder::format_guid(builder::parse_guid("0fc63daf-8483-4772-8e79-3d69d8477de4")) ==
          "0FC63DAF-8483-4772-8E79-3D69D8477DE4");

    std::string derived = builder::format_guid(builder::derived_guid("x"));
    CHECK(derived == builder::format_guid(builder::derived_guid("x")));
    CHECK(derived != builder::format_guid(builder::derived_guid("y")));
    CHECK(derived[14] == '4');                                         // version 4
    CHECK(std::string("89AB").find(derived[19]) != std::string::npos); // RFC 4122 variant
}

TEST_CASE("write a disk and read it back", "[gpt]") {
    Fixture fx;
    std::string disk = fx.write("disk.img");

    DiskInfo info;
    std::string err;
    bool ok = builder::read_gpt_disk(disk, info, err);
    INFO(err);
    REQUIRE(ok);
    // 1 MiB before, 2 + 4 + 4 MiB of partitions, 1 MiB after.
    CHECK(info.size_bytes == 12 * kMiB);
    CHECK(fs::file_size(disk) == 12 * kMiB);
    REQUIRE(info.partitions.size() == 3);

    const PartitionInfo& esp = info.partitions[0];
    const PartitionInfo& root = info.partitions[1];
    const PartitionInfo& data = info.partitions[2];
    CHECK(esp.name == "seedboot-esp");
    CHECK(root.name == "seedboot-root");
    CHECK(data.name == "seedboot-data");
    CHECK(esp.type == builder::gpt_type::esp);
    CHECK(root.type == x86_64_root);
    CHECK(data.type == builder::gpt_type::linux_data);
    CHECK(esp.first_lba == 2048);
    CHECK(esp.offset() == 1 * kMiB);
    CHECK(esp.size() == 2 * kMiB);
    CHECK(root.offset() == 3 * kMiB);
    CHECK(root.size() == 4 * kMiB);
    CHECK(data.offset() == 7 * kMiB);
    CHECK(data.size() == 4 * kMiB);
    CHECK(data.last_lba == 11 * kMiB / 512 - 1);

    // GUIDs: all distinct, derived (so version 4), none zero.
    std::vector<std::string> guids = {builder::format_guid(info.disk_guid)};
    for (const auto& p : info.partitions) guids.push_back(builder::format_guid(p.unique));
    for (size_t i = 0; i < guids.size(); i++) {
        CHECK(guids[i][14] == '4');
        for (size_t j = i + 1; j < guids.size(); j++) CHECK(guids[i] != guids[j]);
    }

    // Content at the partition offsets, zeros after it and in the empty partition.
    CHECK(same_bytes(read_range(disk, esp.offset(), fx.esp_content.size()), fx.esp_content));
    CHECK(same_bytes(read_range(disk, root.offset(), fx.root_content.size()), fx.root_content));
    CHECK(all_zero(read_range(disk, esp.offset() + fx.esp_content.size(),
                              esp.size() - fx.esp_content.size())));
    CHECK(all_zero(read_range(disk, data.offset(), data.size())));

    PartitionInfo found;
    REQUIRE(builder::find_partition(disk, "seedboot-root", found, err));
    CHECK(found.first_lba == root.first_lba);
    CHECK(found.unique == root.unique);
    CHECK_FALSE(builder::find_partition(disk, "nope", found, err));
    CHECK(err.find(disk) != std::string::npos);
    CHECK(err.find("'nope'") != std::string::npos);
}

TEST_CASE("sgdisk, sfdisk and blkid accept the disk", "[gpt]") {
    Fixture fx;
    std::string disk = fx.write("disk.img");
    DiskInfo info;
    std::string err;
    REQUIRE(builder::read_gpt_disk(disk, info, err));
    const std::string sbin = "PATH=$PATH:/usr/sbin:/sbin ";

    REQUIRE(have_tool("sgdisk"));
    expect_output(sbin + "sgdisk -v '" + disk + "'", {"No problems found"});
    expect_output(sbin + "sgdisk -i 2 '" + disk + "'",
                  {"Partition name: 'seedboot-root'",
                   builder::format_guid(info.partitions[1].unique),
                   builder::format_guid(x86_64_root)});

    REQUIRE(have_tool("blkid"));
    expect_output(sbin + "blkid -p -o export '" + disk + "'",
                  {"PTTYPE=gpt", "PTUUID=" + lower(builder::format_guid(info.disk_guid))});

    // sfdisk is in Debian's "fdisk" package, not always installed: sgdisk above is the must.
    if (!have_tool("sfdisk")) {
        WARN("sfdisk not installed (Debian package fdisk): its check is skipped");
        return;
    }
    expect_output(sbin + "sfdisk --json '" + disk + "'",
                  {"\"label\":\"gpt\"", "\"id\":\"" + builder::format_guid(info.disk_guid) + "\"",
                   "\"name\":\"seedboot-esp\"", "\"name\":\"seedboot-root\"",
                   "\"name\":\"seedboot-data\"", "\"start\":2048,\"size\":4096"},
                  true);
}

TEST_CASE("the same spec gives the same bytes", "[gpt]") {
    Fixture fx;
    std::string a = fx.write("a.img");
    std::string b = fx.write("b.img");
    CHECK(same_bytes(slurp(a), slurp(b)));

    fx.spec.guid_seed = "another-seed";
    std::string c = fx.write("c.img");
    DiskInfo info_a, info_c;
    std::string err;
    REQUIRE(builder::read_gpt_disk(a, info_a, err));
    REQUIRE(builder::read_gpt_disk(c, info_c, err));
    CHECK_FALSE(info_a.disk_guid == info_c.disk_guid);
    CHECK_FALSE(info_a.partitions[0].unique == info_c.partitions[0].unique);
    // No temporary files left behind.
    CHECK(std::distance(fs::directory_iterator(fx.dir.path), fs::directory_iterator{}) == 5);
}

// Bytes the disk file takes on the disk (holes take none).
uint64_t allocated_bytes(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return uint64_t(st.st_blocks) * 512;
}

TEST_CASE("zeros in a content file become holes, the bytes stay the same", "[gpt]") {
    // 8 MiB + 1000 bytes: data, zeros written out, a hole, data, zeros, an unaligned tail.
    TempDir dir;
    std::string data = pattern(kMiB, 3);
    std::string content = data;
    content.resize(5 * kMiB); // 2 MiB of written zeros, then what becomes the hole
    content.insert(content.end(), data.begin(), data.end());
    content.resize(8 * kMiB);
    std::string tail = pattern(1000, 4);
    content.insert(content.end(), tail.begin(), tail.end());
    const std::string file = dir.file("work.img");
    REQUIRE(spit(file, content));
    // Punch the hole the way mke2fs leaves them: never written.
    {
        std::string head(content.begin(), content.begin() + 3 * kMiB);
        std::string rest(content.begin() + 5 * kMiB, content.end());
        std::ofstream f(file, std::ios::binary | std::ios::trunc);
        f.write(head.data(), std::streamsize(head.size()));
        f.seekp(std::streamoff(5 * kMiB));
        f.write(rest.data(), std::streamsize(rest.size()));
        REQUIRE(f.good());
    }
    REQUIRE(slurp(file) == content);
    DiskSpec spec;
    spec.guid_seed = "sparse";
    spec.partitions = {{"seedboot-work", builder::gpt_type::linux_data, file, 0}};
    std::string err;
    const std::string disk = dir.file("disk.img");
    REQUIRE(builder::write_gpt_disk(spec, disk, err));

    DiskInfo info;
    REQUIRE(builder::read_gpt_disk(disk, info, err));
    REQUIRE(info.partitions.size() == 1);
    const PartitionInfo& p = info.partitions[0];
    CHECK(p.size() == 9 * kMiB);
    CHECK(same_bytes(read_range(disk, p.offset(), content.size()), content));
    CHECK(all_zero(read_range(disk, p.offset() + content.size(), p.size() - content.size())));
    // What a plain copy would have made: the same bytes, but every one of them allocated.
    CHECK(fs::file_size(disk) == 11 * kMiB);
    // Data: 2 MiB + 1000 bytes (one 4 KiB block); GPT metadata: a few blocks at each end.
    CHECK(allocated_bytes(disk) <= 2 * kMiB + 4096 + 2 * 64 * 1024);
    CHECK(allocated_bytes(disk) >= 2 * kMiB);
}

TEST_CASE("bad specs are refused, naming the problem", "[gpt]") {
    Fixture fx;
    std::string out = fx.dir.file("bad.img");
    std::string err;

    SECTION("missing content file") {
        fx.spec.partitions[1].content_file = fx.dir.file("missing.img");
        CHECK_FALSE(builder::write_gpt_disk(fx.spec, out, err));
        CHECK(err.find(fx.dir.file("missing.img")) != std::string::npos);
        CHECK(err.find("No such file") != std::string::npos);
    }
    SECTION("content larger than the partition") {
        fx.spec.partitions[1].size_bytes = 2 * kMiB;
        CHECK_FALSE(builder::write_gpt_disk(fx.spec, out, err));
        CHECK(err.find(fx.dir.file("root.img")) != std::string::npos);
        CHECK(err.find("larger than the partition size") != std::string::npos);
    }
    SECTION("name longer than 36 characters") {
        fx.spec.partitions[2].name = std::string(37, 'n');
        CHECK_FALSE(builder::write_gpt_disk(fx.spec, out, err));
        CHECK(err.find(std::string(37, 'n')) != std::string::npos);
        CHECK(err.find("expected 1..36") != std::string::npos);
    }
    SECTION("duplicate names") {
        fx.spec.partitions[2].name = "seedboot-esp";
        CHECK_FALSE(builder::write_gpt_disk(fx.spec, out, err));
        CHECK(err.find("unique") != std::string::npos);
    }
    SECTION("no size and no content") {
        fx.spec.partitions[2].size_bytes = 0;
        CHECK_FALSE(builder::write_gpt_disk(fx.spec, out, err));
        CHECK(err.find("seedboot-data") != std::string::npos);
    }
    INFO(err);
    CHECK(err.find(out) != std::string::npos);
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("damaged or foreign images are refused, naming the file", "[gpt]") {
    Fixture fx;
    std::string disk = fx.write("disk.img");

    SECTION("truncated: last MiB cut off") {
        std::string cut = fx.dir.file("cut.img");
        fs::copy_file(disk, cut);
        fs::resize_file(cut, fs::file_size(cut) - kMiB);
        expect_read_error(cut, "truncated");
    }
    SECTION("a corrupted byte in the primary header") {
        std::string bad = fx.dir.file("bad-primary.img");
        fs::copy_file(disk, bad);
        std::fstream f(bad, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(512 + 60); // inside the disk GUID
        f.put('\x5A');
        f.close();
        expect_read_error(bad,
                          "primary GPT header damaged (backup intact): GPT header CRC mismatch");
    }
    SECTION("a corrupted byte in both headers") {
        std::string bad = fx.dir.file("bad-both.img");
        fs::copy_file(disk, bad);
        std::fstream f(bad, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(512 + 60);
        f.put('\x5A');
        f.seekp(static_cast<std::streamoff>(fs::file_size(disk) - 512 + 60));
        f.put('\x5A');
        f.close();
        expect_read_error(bad, "GPT header CRC mismatch");
    }
    SECTION("a corrupted backup header") {
        std::string bad = fx.dir.file("bad-backup.img");
        fs::copy_file(disk, bad);
        std::fstream f(bad, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(static_cast<std::streamoff>(fs::file_size(disk) - 512 + 60));
        f.put('\x5A');
        f.close();
        expect_read_error(bad, "backup GPT header damaged (primary intact)");
    }
    SECTION("a corrupted partition entry") {
        std::string bad = fx.dir.file("bad-entry.img");
        fs::copy_file(disk, bad);
        std::fstream f(bad, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(1024 + 40); // last LBA of the first entry
        f.put('\x5A');
        f.close();
        expect_read_error(bad, "partition entries CRC mismatch");
    }
    SECTION("a file of zeros") {
        std::string zeros = fx.dir.file("zeros.img");
        REQUIRE(spit(zeros, std::string(kMiB, '\0')));
        expect_read_error(zeros, "not a GPT disk (no protective MBR)");
    }
    SECTION("a file shorter than two sectors") {
        std::string tiny = fx.dir.file("tiny.img");
        REQUIRE(spit(tiny, read_range(disk, 0, 700)));
        expect_read_error(tiny, "truncated");
    }
    SECTION("a missing file") {
        expect_read_error(fx.dir.file("absent.img"), "No such file");
    }
}
