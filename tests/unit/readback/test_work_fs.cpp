// Reading the ext4 work file system out of an image: real file systems made by make_work_fs
// and filled with debugfs (no mount, no root), bare and inside a GPT disk, including one whose
// journal really needs recovery (a transaction written with debugfs's journal commands).
#include "builder/disk/gpt/gpt.hpp"
#include "builder/disk/work_image.hpp"
#include "builder/readback/work_fs.hpp"
#include "libseedboot/sys/subprocess.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <ext2fs/ext2fs.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace fs = std::filesystem;
using builder::WorkFs;
using builder::WorkFsEntry;

namespace {

constexpr uint64_t kFsBytes = 16 << 20;
constexpr uint64_t kBlock = 4096; // make_work_fs pins the block size
const std::string kState = "layout\nbegin 0 first\n";
const std::string kReplayedState = "layout\nbegin 1 other\n";
const std::string kLongTarget = "../" + std::string(90, 'x'); // past 60 bytes: a data block

std::string big_content() {
    std::string s;
    for (int i = 0; s.size() < 200000; i++) s += "line " + std::to_string(i) + "\n";
    return s;
}

void run(const std::vector<std::string>& argv) {
    std::string err;
    INFO(err);
    REQUIRE(seedboot::run_program(argv, {}, err));
}

// Runs debugfs commands on `img` read-write; debugfs exits 0 even when a command fails, so
// the tests check the results through the reader rather than trusting this.
void debugfs(const TempDir& tmp, const std::string& img, const std::string& commands) {
    run({"debugfs", "-w", "-f", tmp.write("debugfs.cmd", commands), img});
}

// The work file system of a finished run, as a bare ext4 image.
std::string make_fixture(const TempDir& tmp) {
    std::string img = tmp.path + "/work.ext4", err;
    INFO(err);
    REQUIRE(builder::make_work_fs(img, kFsBytes, "test", 1700000000, err));
    std::string tool = tmp.write("host/tool", "#!/bin/sh\necho built\n");
    fs::permissions(tool, fs::perms(0755));
    std::string data = tmp.write("host/data", "plain data\n");
    fs::permissions(data, fs::perms(0640));
    debugfs(tmp, img,
            "mkdir /logs\nmkdir /build\nmkdir /build/bin\n"
            "write " +
                tmp.write("host/state", kState) +
                " /state\n"
                "write " +
                tmp.write("host/result", "ok\n") +
                " /result\n"
                "write " +
                tmp.write("host/log", "step one\n") +
                " /logs/01-x.log\n"
                "write " +
                tool +
                " /build/bin/tool\n"
                "write " +
                data +
                " /build/data\n"
                "write " +
                tmp.write("host/big", big_content()) +
                " /build/big\n"
                "write " +
                tmp.write("host/empty", "") +
                " /build/empty\n"
                "symlink /build/link bin/tool\n"
                "symlink /build/longlink " +
                kLongTarget + "\n");
    return img;
}

// A disk as `seedboot disk` lays it out: an ESP, then the work partition holding `fs_image`.
std::string wrap_in_gpt(const TempDir& tmp, const std::string& fs_image, const char* name) {
    std::string disk = tmp.path + "/disk.img", err;
    builder::DiskSpec spec;
    spec.guid_seed = "test";
    spec.partitions.push_back({"esp", builder::gpt_type::esp, "", 1 << 20});
    spec.partitions.push_back({name, builder::gpt_type::linux_data, fs_image, 0});
    INFO(err);
    REQUIRE(builder::write_gpt_disk(spec, disk, err));
    return disk;
}

// Puts a committed but unreplayed transaction in the journal that rewrites /state's data
// block, as a kernel killed after its journal commit and before the checkpoint leaves it.
void journal_new_state(const TempDir& tmp, const std::string& img) {
    uint64_t block = 0;
    {
        WorkFs wfs;
        std::string err;
        INFO(err);
        REQUIRE(builder::open_work_fs(img, wfs, err));
        ext2_ino_t ino = 0;
        REQUIRE(ext2fs_namei(wfs.handle(), EXT2_ROOT_INO, EXT2_ROOT_INO, "/state", &ino) == 0);
        blk64_t phys = 0;
        REQUIRE(ext2fs_bmap2(wfs.handle(), ino, nullptr, nullptr, 0, 0, nullptr, &phys) == 0);
        block = phys;
    }
    REQUIRE(kReplayedState.size() == kState.size()); // the inode's i_size is not journaled
    std::string content = kReplayedState + std::string(kBlock - kReplayedState.size(), '\0');
    debugfs(tmp, img,
            "jo\njw -b " + std::to_string(block) + " " + tmp.write("host/block", content) +
                "\njc\n");
}

const WorkFsEntry* find(const std::vector<WorkFsEntry>& entries, const std::string& path) {
    for (const auto& e : entries)
        if (e.path == path) return &e;
    return nullptr;
}

// Sets an environment variable for one test and puts the old value back.
struct ScopedEnv {
    std::string name;
    bool had;
    std::string old;
    ScopedEnv(const std::string& n, const std::string& value) : name(n) {
        const char* v = std::getenv(n.c_str());
        had = v != nullptr;
        if (had) old = v;
        ::setenv(n.c_str(), value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (had)
            ::setenv(name.c_str(), old.c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
};

} // namespace

TEST_CASE("work fs: files read back from a bare image and from a GPT disk", "[ext4]") {
    TempDir tmp;
    std::string img = make_fixture(tmp);
    std::string disk = wrap_in_gpt(tmp, img, "seedboot-work");
    for (const std::string& image : {img, disk}) {
        INFO(image);
        WorkFs wfs;
        std::string err, data;
        INFO(err);
        REQUIRE(builder::open_work_fs(image, wfs, err));
        CHECK_FALSE(wfs.recovered);
        CHECK(wfs.image() == image);
        REQUIRE(builder::read_work_file(wfs, "/state", data, err));
        CHECK(data == kState);
        REQUIRE(builder::read_work_file(wfs, "/result", data, err));
        CHECK(data == "ok\n");
        REQUIRE(builder::read_work_file(wfs, "/logs/01-x.log", data, err));
        CHECK(data == "step one\n");
        REQUIRE(builder::read_work_file(wfs, "/build/big", data, err));
        CHECK(data == big_content());
        REQUIRE(builder::read_work_file(wfs, "/build/empty", data, err));
        CHECK(data.empty());
        // Symlinks are followed inside the file system.
        REQUIRE(builder::read_work_file(wfs, "/build/link", data, err));
        CHECK(data == "#!/bin/sh\necho built\n");
    }
}

TEST_CASE("work fs: the tree lists with types, modes, sizes and link targets", "[ext4]") {
    TempDir tmp;
    WorkFs wfs;
    std::string err;
    INFO(err);
    REQUIRE(builder::open_work_fs(make_fixture(tmp), wfs, err));
    std::vector<WorkFsEntry> all;
    REQUIRE(builder::list_work_tree(wfs, "/", all, err));
    for (size_t i = 1; i < all.size(); i++) CHECK(all[i - 1].path < all[i].path);
    for (const char* p : {"/build", "/build/bin", "/logs", "/lost+found"}) {
        REQUIRE(find(all, p));
        CHECK(find(all, p)->type == 'd');
    }
    REQUIRE(find(all, "/state"));
    CHECK(find(all, "/state")->type == 'f');
    CHECK(find(all, "/state")->size == kState.size());

    std::vector<WorkFsEntry> build;
    REQUIRE(builder::list_work_tree(wfs, "/build/", build, err));
    std::vector<std::string> paths;
    for (const auto& e : build) paths.push_back(e.path);
    CHECK(paths == std::vector<std::string>{"/build/big", "/build/bin", "/build/bin/tool",
                                            "/build/data", "/build/empty", "/build/link",
                                            "/build/longlink"});
    CHECK(find(build, "/build/bin/tool")->mode == 0755);
    CHECK(find(build, "/build/data")->mode == 0640);
    CHECK(find(build, "/build/big")->size == big_content().size());
    const WorkFsEntry* link = find(build, "/build/link");
    CHECK(link->type == 'l');
    CHECK(link->link_target == "bin/tool");
    CHECK(link->size == 8);
    CHECK(find(build, "/build/longlink")->link_target == kLongTarget);
}

TEST_CASE("work fs: a tree extracts with contents, exec bits and symlinks", "[ext4]") {
    TempDir tmp;
    WorkFs wfs;
    std::string err;
    INFO(err);
    REQUIRE(builder::open_work_fs(wrap_in_gpt(tmp, make_fixture(tmp), "seedboot-work"), wfs, err));
    std::string dest = tmp.path + "/out/build";
    mode_t old_umask = ::umask(077); // the modes must not depend on the caller's umask
    bool ok = builder::extract_work_tree(wfs, "/build", dest, err);
    ::umask(old_umask);
    REQUIRE(ok);
    CHECK(slurp(dest + "/bin/tool") == "#!/bin/sh\necho built\n");
    CHECK(slurp(dest + "/data") == "plain data\n");
    CHECK(slurp(dest + "/big") == big_content());
    CHECK(fs::file_size(dest + "/empty") == 0);
    CHECK((fs::status(dest + "/bin/tool").permissions() & fs::perms::all) == fs::perms(0755));
    CHECK((fs::status(dest + "/data").permissions() & fs::perms::all) == fs::perms(0644));
    CHECK(fs::is_directory(dest + "/bin"));
    CHECK(fs::is_symlink(dest + "/link"));
    CHECK(fs::read_symlink(dest + "/link") == "bin/tool");
    CHECK(fs::read_symlink(dest + "/longlink") == kLongTarget);

    // Extracting again over the first copy replaces it rather than failing.
    REQUIRE(builder::extract_work_tree(wfs, "/build", dest, err));
    CHECK(slurp(dest + "/bin/tool") == "#!/bin/sh\necho built\n");
    // The whole file system: the root's children land directly in the folder.
    REQUIRE(builder::extract_work_tree(wfs, "/", tmp.path + "/all", err));
    CHECK(slurp(tmp.path + "/all/state") == kState);
    CHECK(slurp(tmp.path + "/all/logs/01-x.log") == "step one\n");
}

TEST_CASE("work fs: missing files and wrong kinds are named", "[ext4]") {
    TempDir tmp;
    std::string img = make_fixture(tmp);
    WorkFs wfs;
    std::string err, data;
    REQUIRE(builder::open_work_fs(img, wfs, err));
    CHECK_FALSE(builder::read_work_file(wfs, "/nope", data, err));
    CHECK(err == img + ": /nope: no such file in the work file system");
    CHECK_FALSE(builder::read_work_file(wfs, "/logs/missing.log", data, err));
    CHECK(err == img + ": /logs/missing.log: no such file in the work file system");
    CHECK_FALSE(builder::read_work_file(wfs, "/logs", data, err));
    CHECK(err == img + ": /logs: is a directory (expected a regular file)");
    CHECK_FALSE(builder::read_work_file(wfs, "state", data, err));
    CHECK(err.find("expected an absolute path") != std::string::npos);
    CHECK_FALSE(builder::read_work_file(wfs, "/build/big", data, err, 1000));
    CHECK(err == img + ": /build/big: " + std::to_string(big_content().size()) +
                     " bytes (expected at most 1000)");
    std::vector<WorkFsEntry> entries;
    CHECK_FALSE(builder::list_work_tree(wfs, "/state", entries, err));
    CHECK(err == img + ": /state: not a directory");
    CHECK_FALSE(builder::extract_work_tree(wfs, "/missing", tmp.path + "/x", err));
    CHECK(err == img + ": /missing: no such file in the work file system");
}

TEST_CASE("work fs: images that are not, or no longer, a work file system", "[ext4]") {
    TempDir tmp;
    std::string img = make_fixture(tmp), err;
    WorkFs wfs;

    SECTION("a GPT disk without the partition lists the ones it has") {
        std::string disk = wrap_in_gpt(tmp, img, "other");
        CHECK_FALSE(builder::open_work_fs(disk, wfs, err));
        CHECK(err == disk + ": no partition named 'seedboot-work' (partitions: 'esp', 'other')");
    }
    SECTION("garbage") {
        std::string junk = tmp.write("junk.img", std::string(65536, 'j'));
        CHECK_FALSE(builder::open_work_fs(junk, wfs, err));
        CHECK(err.rfind(junk + ": neither a GPT disk with a seedboot-work partition nor an ext4 "
                               "image",
                        0) == 0);
    }
    SECTION("a missing file") {
        CHECK_FALSE(builder::open_work_fs(tmp.path + "/absent.img", wfs, err));
        CHECK(err.rfind(tmp.path + "/absent.img: cannot open the image: ", 0) == 0);
    }
    SECTION("a GPT disk cut short") {
        std::string disk = wrap_in_gpt(tmp, img, "seedboot-work");
        fs::resize_file(disk, fs::file_size(disk) - (2 << 20));
        CHECK_FALSE(builder::open_work_fs(disk, wfs, err));
        CHECK(err.rfind(disk + ": truncated: ", 0) == 0);
    }
    SECTION("a bare image cut short after its group descriptors") {
        fs::resize_file(img, kFsBytes / 2);
        CHECK_FALSE(builder::open_work_fs(img, wfs, err));
        CHECK(err == img + ": truncated: the ext4 file system at byte offset 0 is " +
                         std::to_string(kFsBytes) + " bytes, but the file ends " +
                         std::to_string(kFsBytes / 2) + " bytes after its start");
    }
    SECTION("a bare image cut short inside its superblock") {
        fs::resize_file(img, 1100);
        CHECK_FALSE(builder::open_work_fs(img, wfs, err));
        CHECK(err.rfind(img + ": cannot open the ext4 file system at byte offset 0: ", 0) == 0);
        CHECK(err.find("truncated image?") != std::string::npos);
    }
    CHECK_FALSE(wfs.is_open());
}

TEST_CASE("work fs: a journal needing recovery is replayed on a private copy", "[ext4]") {
    TempDir tmp;
    std::string img = make_fixture(tmp);
    journal_new_state(tmp, img);
    bool gpt = GENERATE(false, true);
    std::string image = gpt ? wrap_in_gpt(tmp, img, "seedboot-work") : img;
    INFO(image);
    std::string before = slurp(image);
    fs::create_directory(tmp.path + "/tmpdir");
    ScopedEnv tmpdir("TMPDIR", tmp.path + "/tmpdir");
    {
        WorkFs wfs;
        std::string err, data;
        INFO(err);
        REQUIRE(builder::open_work_fs(image, wfs, err));
        CHECK(wfs.recovered);
        REQUIRE(builder::read_work_file(wfs, "/state", data, err));
        CHECK(data == kReplayedState);
        REQUIRE(builder::read_work_file(wfs, "/result", data, err));
        CHECK(data == "ok\n");
        CHECK_FALSE(fs::is_empty(tmp.path + "/tmpdir")); // the copy lives while it is open
        WorkFs moved = std::move(wfs);
        CHECK(moved.recovered);
        CHECK_FALSE(wfs.is_open());
    }
    CHECK(fs::is_empty(tmp.path + "/tmpdir"));
    CHECK(slurp(image) == before); // the user's image was not touched
}

TEST_CASE("work fs: an e2fsck that cannot replay the journal is reported", "[ext4]") {
    TempDir tmp;
    std::string img = make_fixture(tmp);
    journal_new_state(tmp, img);
    std::string fake =
        tmp.write("bin/e2fsck", "#!/bin/sh\necho 'e2fsck: journal superblock corrupt' "
                                ">&2\nexit 8\n");
    fs::permissions(fake, fs::perms(0755));
    fs::create_directory(tmp.path + "/tmpdir");
    ScopedEnv tmpdir("TMPDIR", tmp.path + "/tmpdir");
    const char* old_path = std::getenv("PATH");
    ScopedEnv path("PATH", tmp.path + "/bin:" + (old_path ? old_path : "/usr/bin:/bin"));
    WorkFs wfs;
    std::string err;
    CHECK_FALSE(builder::open_work_fs(img, wfs, err));
    CHECK(err.rfind(img + ": journal needs recovery and e2fsck could not replay it: ", 0) == 0);
    CHECK(err.find("journal superblock corrupt") != std::string::npos);
    CHECK(fs::is_empty(tmp.path + "/tmpdir"));
}

TEST_CASE("work fs: paths resolve one component at a time, through symlinks", "[ext4]") {
    TempDir tmp;
    std::string img = make_fixture(tmp);
    debugfs(tmp, img,
            "symlink /build/bindir bin\nsymlink /build/abs /build/bin/tool\n"
            "symlink /build/up ../result\nsymlink /loop1 loop2\nsymlink /loop2 loop1\n");
    WorkFs wfs;
    std::string err, data;
    INFO(err);
    REQUIRE(builder::open_work_fs(img, wfs, err));
    const std::string tool = "#!/bin/sh\necho built\n";
    for (const char* p : {"/build/bindir/tool", "/build/abs", "/build/bin/../bin/./tool",
                          "//build//link", "/build/bindir/../link"}) {
        INFO(p);
        REQUIRE(builder::read_work_file(wfs, p, data, err));
        CHECK(data == tool);
    }
    REQUIRE(builder::read_work_file(wfs, "/build/up", data, err));
    CHECK(data == "ok\n");
    std::vector<WorkFsEntry> entries;
    REQUIRE(builder::list_work_tree(wfs, "/build/bindir", entries, err));
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].path == "/build/bindir/tool");

    CHECK_FALSE(builder::read_work_file(wfs, "/state/x", data, err));
    CHECK(err == img + ": /state/x: /state: not a directory (expected one, to look up 'x' in)");
    CHECK_FALSE(builder::read_work_file(wfs, "/build/bindir/nope", data, err));
    CHECK(err == img + ": /build/bindir/nope: /build/bin/nope: no such file in the work file "
                       "system");
    CHECK_FALSE(builder::read_work_file(wfs, "/loop1", data, err));
    CHECK(err == img + ": /loop1: more than 40 symlinks to follow (expected fewer; a symlink "
                       "loop?)");
}

// libext2fs's own lookup (ext2fs_namei_follow) reads a symlink's one block and then parses
// i_size bytes of it: a corrupt i_size is an over-read. Ours refuses such a link by name.
TEST_CASE("work fs: a symlink longer than a block is refused, not followed", "[ext4]") {
    TempDir tmp;
    std::string img = make_fixture(tmp);
    // A fast symlink (target in the inode) and one with a data block, both grown past a block.
    debugfs(tmp, img,
            "symlink /build/bad-fast bin/tool\nsif /build/bad-fast size 5000\n"
            "symlink /build/bad-slow " +
                kLongTarget + "\nsif /build/bad-slow size 100000\n");
    WorkFs wfs;
    std::string err, data;
    REQUIRE(builder::open_work_fs(img, wfs, err));
    const std::string block = "(expected 1..4096, at most one block; corrupt file system?)";
    CHECK_FALSE(builder::read_work_file(wfs, "/build/bad-fast", data, err));
    CHECK(err == img + ": /build/bad-fast: symlink target of 5000 bytes " + block);
    CHECK_FALSE(builder::read_work_file(wfs, "/build/bad-slow/x", data, err));
    CHECK(err ==
          img + ": /build/bad-slow/x: /build/bad-slow: symlink target of 100000 bytes " + block);
    std::vector<WorkFsEntry> entries;
    CHECK_FALSE(builder::list_work_tree(wfs, "/build", entries, err));
    CHECK(err == img + ": /build/bad-fast: symlink target of 5000 bytes " + block);
    // Not following the link, its neighbours still read.
    REQUIRE(builder::read_work_file(wfs, "/build/link", data, err));

    // The image the fuzzer found: /state a symlink of 51968 bytes on a 1 KiB-block file system;
    // and one where /state -> via/state, /via such a link in the middle of the path.
    const std::string regressions = SEEDBOOT_SOURCE_DIR "/tests/fuzz/regressions/work_fs/";
    for (const auto& [name, at] : {std::pair{"libext2fs-symlink-size-overread", ""},
                                   {"libext2fs-symlink-size-overread-mid-path", " /via:"}}) {
        std::string found = regressions + name;
        INFO(found);
        WorkFs bad;
        REQUIRE(builder::open_work_fs(found, bad, err));
        CHECK_FALSE(builder::read_work_file(bad, "/state", data, err));
        CHECK(err == found + ": /state:" + at +
                         " symlink target of 51968 bytes (expected 1..1024, at most one block; "
                         "corrupt file system?)");
    }
}
