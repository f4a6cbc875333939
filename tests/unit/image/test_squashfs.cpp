// Tests for builder/image/squashfs: round trip through our reader and through
// squashfs-tools' unsquashfs, byte-identical output whatever the entry order and
// thread count, clear errors for bad entries and damaged images.
#include "builder/image/squashfs/squashfs.hpp"

#include "tests/support/files.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using builder::ImageEntry;
using builder::read_squashfs;
using builder::read_squashfs_file;
using builder::SquashfsOptions;
using builder::write_squashfs;

namespace {

constexpr uint32_t kMtime = 1700000000; // 2023-11-14 22:13:20 UTC
constexpr size_t kBlock = 128 * 1024;

bool exists(const std::string& path) {
    struct stat st {};
    return lstat(path.c_str(), &st) == 0;
}

// A tree with everything the writer has to get right. `big_host` is a host file
// with more than 3 blocks of incompressible data.
std::vector<ImageEntry> sample_entries(const std::string& big_host) {
    return {
        {"/", 'd', 0755, "", ""},
        {"/bin", 'd', 0755, "", ""},
        {"/bin/tool", 'f', 04755, "", "#!/bin/sh\necho hi\n"},
        {"/etc", 'd', 0750, "", ""},
        {"/etc/empty", 'f', 0644, "", ""},
        {"/etc/secret", 'f', 0600, "", "s3cret\n"},
        {"/etc/link", 'l', 0777, "", "secret"},
        {"/data", 'd', 0755, "", ""},
        {"/data/big", 'f', 0644, big_host, ""},
        // Two all-zero blocks become sparse blocks, which makes an extended inode.
        {"/data/zeros", 'f', 0640, "", std::string(2 * kBlock + 100, '\0')},
        {"/data/deep", 'd', 0700, "", ""},
        {"/data/deep/er", 'd', 01777, "", ""},
        {"/data/deep/er/x", 'f', 0444, "", "x"},
        // "-" sorts before "/" bytewise: directory order is by name, not by path.
        {"/a-b", 'f', 0644, "", "dash"},
        {"/a", 'd', 0755, "", ""},
        {"/a/b", 'f', 0644, "", "slash"},
        {"/a/dup", 'f', 0755, "", "#!/bin/sh\necho hi\n"}, // same data as /bin/tool
    };
}

// What read_squashfs should give back for `entries`.
std::vector<ImageEntry> expected_read_back(std::vector<ImageEntry> entries) {
    for (ImageEntry& e : entries) {
        if (!e.host_file.empty()) e.data = slurp(e.host_file);
        e.host_file.clear();
    }
    std::sort(entries.begin(), entries.end(),
              [](const ImageEntry& a, const ImageEntry& b) { return a.path < b.path; });
    return entries;
}

void check_same_entries(const std::vector<ImageEntry>& got, const std::vector<ImageEntry>& want) {
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        INFO("entry " << i << ": " << want[i].path);
        CHECK(got[i].path == want[i].path);
        CHECK(got[i].type == want[i].type);
        CHECK(got[i].mode == want[i].mode);
        CHECK(got[i].host_file.empty());
        CHECK(got[i].data.size() == want[i].data.size());
        CHECK(got[i].data == want[i].data);
    }
}

struct Sample {
    TempDir dir;
    std::string big_host;
    std::vector<ImageEntry> entries;
    std::string image;

    explicit Sample(SquashfsOptions opt = {}) {
        big_host = dir.file("big.bin");
        REQUIRE(spit(big_host, noise(3 * kBlock + 1000, 42)));
        entries = sample_entries(big_host);
        image = dir.file("sample.sqfs");
        opt.mtime = kMtime;
        std::string err;
        bool ok = write_squashfs(entries, image, opt, err);
        INFO(err);
        REQUIRE(ok);
    }
};

// Checks one extracted entry against what was written.
void check_extracted(const std::string& root, const ImageEntry& want) {
    INFO("extracted " << want.path);
    std::string p = want.path == "/" ? root : root + want.path;
    struct stat st {};
    REQUIRE(lstat(p.c_str(), &st) == 0);
    CHECK(st.st_mtime == kMtime);
    if (geteuid() == 0) { // only root gets its owners restored by unsquashfs
        CHECK(st.st_uid == 0);
        CHECK(st.st_gid == 0);
    }
    if (want.type == 'l') {
        REQUIRE(S_ISLNK(st.st_mode));
        std::error_code ec;
        CHECK(std::filesystem::read_symlink(p, ec).string() == want.data);
        return;
    }
    CHECK((st.st_mode & 07777) == want.mode);
    if (want.type == 'd') {
        CHECK(S_ISDIR(st.st_mode));
    } else {
        REQUIRE(S_ISREG(st.st_mode));
        CHECK(slurp(p) == want.data);
    }
}

std::string flipped_copy(const Sample& s, const std::string& name, size_t offset) {
    std::string bytes = slurp(s.image);
    REQUIRE(offset < bytes.size());
    bytes[offset] = char(bytes[offset] ^ 0xFF);
    std::string path = s.dir.file(name);
    REQUIRE(spit(path, bytes));
    return path;
}

} // namespace

TEST_CASE("squashfs: round trip through read_squashfs", "[squashfs]") {
    Sample s;
    std::vector<ImageEntry> got;
    std::string err;
    bool ok = read_squashfs(s.image, got, err);
    INFO(err);
    REQUIRE(ok);
    check_same_entries(got, expected_read_back(s.entries));

    // Padded to 4 KiB, as the kernel's block devices want.
    CHECK(slurp(s.image).size() % 4096 == 0);

    std::string data;
    REQUIRE(read_squashfs_file(s.image, "/data/big", data, err));
    CHECK(data == slurp(s.big_host));
    REQUIRE(read_squashfs_file(s.image, "/etc/empty", data, err));
    CHECK(data.empty());
    CHECK_FALSE(read_squashfs_file(s.image, "/nope", data, err));
    CHECK(err.find("no such file") != std::string::npos);
    CHECK_FALSE(read_squashfs_file(s.image, "/etc", data, err));
    CHECK(err.find("not a regular file") != std::string::npos);
    CHECK_FALSE(read_squashfs_file(s.image, "/etc/link", data, err));
    CHECK(err.find("not a regular file") != std::string::npos);
}

TEST_CASE("squashfs: unsquashfs extracts what was written", "[squashfs]") {
    Sample s;
    std::string out = s.dir.file("extracted");
    ShellResult r = shell("unsquashfs -no-xattrs -d '" + out + "' '" + s.image + "'");
    INFO(r.output);
    REQUIRE(r.status == 0);
    for (const ImageEntry& e : expected_read_back(s.entries)) check_extracted(out, e);
}

TEST_CASE("squashfs: unsquashfs -lln and -s see owners, modes and times", "[squashfs]") {
    Sample s;
    ShellResult ls = shell("unsquashfs -lln -UTC '" + s.image + "'");
    INFO(ls.output);
    REQUIRE(ls.status == 0);
    std::map<std::string, std::string> lines; // path in image -> listing line
    std::istringstream in(ls.output);
    for (std::string line; std::getline(in, line);) {
        size_t at = line.find("squashfs-root");
        if (at == std::string::npos) continue;
        std::string path = line.substr(at + std::string("squashfs-root").size());
        path = path.substr(0, path.find(" -> "));
        lines[path.empty() ? "/" : path] = line;
    }
    CHECK(lines.size() == s.entries.size());
    for (const auto& [path, line] : lines) {
        INFO(line);
        CHECK(line.find(" 0/0 ") != std::string::npos);
        CHECK(line.find("2023-11-14 22:13") != std::string::npos);
    }
    CHECK(lines["/bin/tool"].rfind("-rwsr-xr-x ", 0) == 0);
    CHECK(lines["/etc/secret"].rfind("-rw------- ", 0) == 0);
    CHECK(lines["/etc"].rfind("drwxr-x--- ", 0) == 0);
    CHECK(lines["/data/deep/er"].rfind("drwxrwxrwt ", 0) == 0);
    CHECK(lines["/etc/link"].find("-> secret") != std::string::npos);

    ShellResult st = shell("unsquashfs -s -UTC '" + s.image + "'");
    INFO(st.output);
    REQUIRE(st.status == 0);
    CHECK(st.output.find("Compression zstd") != std::string::npos);
    CHECK(st.output.find("Block size 131072") != std::string::npos);
    CHECK(st.output.find("Number of inodes " + std::to_string(s.entries.size())) !=
          std::string::npos);
    CHECK(st.output.find("Number of ids 1") != std::string::npos);
    CHECK(st.output.find("Xattrs are not stored") != std::string::npos);

    ShellResult t = shell("unsquashfs -mkfs-time '" + s.image + "'");
    REQUIRE(t.status == 0);
    CHECK(t.output == std::to_string(kMtime) + "\n");
}

TEST_CASE("squashfs: same entries give the same bytes", "[squashfs]") {
    TempDir dir;
    std::string big = dir.file("big.bin");
    REQUIRE(spit(big, noise(3 * kBlock + 1000, 7)));
    std::vector<ImageEntry> entries = sample_entries(big);
    // More blocks than workers, so that the threads really race.
    entries.push_back({"/data/more", 'f', 0644, "", noise(20 * 4096 + 5, 9)});

    std::vector<ImageEntry> shuffled(entries.rbegin(), entries.rend());
    std::rotate(shuffled.begin(), shuffled.begin() + 5, shuffled.end());

    for (size_t block_size : {size_t{4096}, kBlock}) {
        INFO("block size " << block_size);
        std::string reference;
        for (unsigned workers : {1u, 2u, 4u}) {
            for (const auto* list : {&entries, &shuffled}) {
                SquashfsOptions opt;
                opt.mtime = kMtime;
                opt.block_size = block_size;
                opt.workers = workers;
                std::string image = dir.file("image.sqfs");
                std::string err;
                bool ok = write_squashfs(*list, image, opt, err);
                INFO("workers " << workers << ": " << err);
                REQUIRE(ok);
                std::string bytes = slurp(image);
                if (reference.empty()) reference = bytes;
                CHECK(bytes == reference);
            }
        }
    }

    // And the options do matter.
    SquashfsOptions opt;
    opt.mtime = kMtime + 1;
    std::string err;
    REQUIRE(write_squashfs(entries, dir.file("other.sqfs"), opt, err));
    opt.mtime = kMtime;
    REQUIRE(write_squashfs(entries, dir.file("same.sqfs"), opt, err));
    CHECK(slurp(dir.file("other.sqfs")) != slurp(dir.file("same.sqfs")));
}

TEST_CASE("squashfs: minimal images (no data, no fragments)", "[squashfs]") {
    TempDir dir;
    const std::vector<std::vector<ImageEntry>> cases = {
        {{"/", 'd', 0700, "", ""}},
        {{"/", 'd', 0755, "", ""}, {"/empty", 'f', 0644, "", ""}},
        {{"/", 'd', 0755, "", ""}, {"/l", 'l', 0777, "", "/nowhere"}},
    };
    for (const auto& entries : cases) {
        std::string image = dir.file("min.sqfs");
        std::string err;
        bool ok = write_squashfs(entries, image, {}, err);
        INFO(err);
        REQUIRE(ok);
        std::vector<ImageEntry> got;
        ok = read_squashfs(image, got, err);
        INFO(err);
        REQUIRE(ok);
        check_same_entries(got, expected_read_back(entries));
        std::string out = dir.file("x");
        std::filesystem::remove_all(out);
        ShellResult r = shell("unsquashfs -no-xattrs -d '" + out + "' '" + image + "'");
        INFO(r.output);
        CHECK(r.status == 0);
    }
}

TEST_CASE("squashfs: a non-default zstd level round-trips", "[squashfs]") {
    SquashfsOptions opt;
    opt.zstd_level = 3; // stored in a compressor options block
    Sample s(opt);
    std::vector<ImageEntry> got;
    std::string err;
    bool ok = read_squashfs(s.image, got, err);
    INFO(err);
    REQUIRE(ok);
    check_same_entries(got, expected_read_back(s.entries));
    ShellResult r = shell("unsquashfs -no-xattrs -d '" + s.dir.file("x") + "' '" + s.image + "'");
    INFO(r.output);
    CHECK(r.status == 0);
}

TEST_CASE("squashfs: bad entries are refused with the culprit named", "[squashfs]") {
    TempDir dir;
    std::string image = dir.file("out.sqfs");
    SquashfsOptions opt;
    std::string err;

    auto refused = [&](const std::vector<ImageEntry>& entries, const std::string& needle) {
        err.clear();
        bool ok = write_squashfs(entries, image, opt, err);
        INFO("error: " << err);
        CHECK_FALSE(ok);
        CHECK(err.rfind(image + ": ", 0) == 0);
        CHECK(err.find(needle) != std::string::npos);
        CHECK_FALSE(exists(image));
    };

    const ImageEntry root{"/", 'd', 0755, "", ""};
    refused({root, {"/a/b", 'f', 0644, "", "x"}}, "\"/a/b\": parent directory \"/a\"");
    refused({{"/a", 'd', 0755, "", ""}}, "no root directory");
    refused({{"/", 'f', 0644, "", ""}}, "no root directory");
    refused({root, {"/f", 'f', 0644, "", ""}, {"/f/x", 'f', 0644, "", ""}},
            "parent directory \"/f\" is not a directory");
    refused({root, {"/a", 'd', 0755, "", ""}, {"/a", 'd', 0755, "", ""}}, "listed twice");
    for (const char* bad : {"", "rel", "/a/", "/a//b", "/./a", "/a/..", "/x/../y"}) {
        refused({root, {bad, 'd', 0755, "", ""}}, "path");
    }
    refused({root, {"/" + std::string(257, 'n'), 'f', 0644, "", ""}}, "path");
    refused({root, {"/m", 'f', 0100644, "", ""}}, "mode has bits outside 07777");
    refused({root, {"/t", 'x', 0644, "", ""}}, "unknown type 'x'");
    refused({root, {"/l", 'l', 0777, "", ""}}, "symlink needs a target");
    refused({root, {"/f", 'f', 0644, dir.file("h"), "both"}}, "not both");
    refused({root, {"/d", 'd', 0755, "", "data"}}, "directory takes no");

    opt.block_size = 3000;
    refused({root}, "block size 3000");
    opt = {};
    opt.zstd_level = 23;
    refused({root}, "zstd level 23");
}

TEST_CASE("squashfs: unreadable host files are named, no image is left", "[squashfs]") {
    TempDir dir;
    std::string image = dir.file("out.sqfs");
    std::string missing = dir.file("no-such-file");
    std::string err;
    std::vector<ImageEntry> entries = {
        {"/", 'd', 0755, "", ""}, {"/ok", 'f', 0644, "", "fine"}, {"/f", 'f', 0644, missing, ""}};
    CHECK_FALSE(write_squashfs(entries, image, {}, err));
    INFO(err);
    CHECK(err.rfind(missing + ": cannot open: ", 0) == 0);
    CHECK(err.find("\"/f\"") != std::string::npos);
    CHECK_FALSE(exists(image));

    entries[2].host_file = dir.path; // a directory
    CHECK_FALSE(write_squashfs(entries, image, {}, err));
    CHECK(err.rfind(dir.path + ": not a regular file", 0) == 0);
    CHECK_FALSE(exists(image));
}

TEST_CASE("squashfs: damaged images give errors, not crashes", "[squashfs]") {
    SquashfsOptions small_blocks;
    small_blocks.block_size = 4096; // many blocks, so that flips hit block lists too
    Sample s(small_blocks);
    const std::string bytes = slurp(s.image);
    std::vector<ImageEntry> out;
    std::string err;

    auto refused = [&](const std::string& path, const std::string& needle) {
        err.clear();
        bool ok = read_squashfs(path, out, err);
        INFO("error: " << err);
        CHECK_FALSE(ok);
        CHECK(out.empty());
        CHECK(err.rfind(path + ": ", 0) == 0);
        CHECK(err.find(needle) != std::string::npos);
    };

    refused(s.dir.file("absent.sqfs"), "cannot open");
    refused(s.dir.path, "not a regular file");

    std::string empty = s.dir.file("empty.sqfs");
    REQUIRE(spit(empty, ""));
    refused(empty, "not a squashfs image (bad magic)");

    std::string half = s.dir.file("half.sqfs");
    REQUIRE(spit(half, bytes.substr(0, bytes.size() / 2)));
    refused(half, "truncated");

    std::string stub = s.dir.file("stub.sqfs");
    REQUIRE(spit(stub, bytes.substr(0, 50)));
    refused(stub, "truncated");

    refused(flipped_copy(s, "magic.sqfs", 0), "not a squashfs image (bad magic)");
    refused(flipped_copy(s, "version.sqfs", 28), "unsupported squashfs version");

    // A byte flipped in the middle of the data: an error or a (wrong) result, no crash.
    std::string middle = flipped_copy(s, "middle.sqfs", bytes.size() / 2);
    err.clear();
    if (!read_squashfs(middle, out, err)) CHECK(err.rfind(middle + ": ", 0) == 0);

    // The same over the whole image, superblock and tables included.
    const size_t step = std::max<size_t>(1, bytes.size() / 400);
    size_t failures = 0;
    for (size_t off = 0; off < bytes.size(); off += step) {
        std::string path = flipped_copy(s, "flip.sqfs", off);
        err.clear();
        std::vector<ImageEntry> got;
        if (!read_squashfs(path, got, err)) {
            ++failures;
            INFO("offset " << off << ": " << err);
            CHECK(err.rfind(path + ": ", 0) == 0);
            CHECK(got.empty());
        }
        std::string data;
        if (!read_squashfs_file(path, "/data/big", data, err))
            CHECK(err.rfind(path + ": ", 0) == 0);
    }
    CHECK(failures > 0);
}

TEST_CASE("squashfs: images over 1 GiB are refused by the reader", "[squashfs]") {
    TempDir dir;
    std::string huge = dir.file("huge.sqfs");
    { std::ofstream f(huge, std::ios::binary); }
    // Sparse: costs no disk space.
    REQUIRE(truncate(huge.c_str(), off_t(builder::kMaxReadImageBytes) + 1) == 0);
    std::vector<ImageEntry> out;
    std::string err;
    CHECK_FALSE(read_squashfs(huge, out, err));
    CHECK(err.rfind(huge + ": ", 0) == 0);
    CHECK(err.find("larger than the 1 GiB") != std::string::npos);
}
