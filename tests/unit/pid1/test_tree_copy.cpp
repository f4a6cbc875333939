// The PID 1's COPY between build roots: Containerfile semantics, and no way out of
// either root for a symlink a hostile step planted.
#include "init/actions/tree_copy.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

bool copy(const TempDir& t, const std::string& src, const std::string& dst, int chmod = -1) {
    return init::copy_into_root({t.path + "/a", src, t.path + "/b", dst, chmod});
}

} // namespace

TEST_CASE("tree copy: a folder's contents, with modes, symlinks and times", "[tree_copy]") {
    TempDir t;
    t.write("a/src/x/tool", "#!/bin/sh\n");
    ::chmod((t.path + "/a/src/x/tool").c_str(), 0751);
    t.write("a/src/readme", "r");
    ::symlink("x/tool", (t.path + "/a/src/link").c_str());
    timespec old[2] = {{1000, 0}, {1000, 0}};
    ::utimensat(AT_FDCWD, (t.path + "/a/src/readme").c_str(), old, 0);
    fs::create_directories(t.path + "/b");
    t.write("b/dst/keep", "k");

    REQUIRE(copy(t, "/src", "/dst"));
    CHECK(slurp(t.path + "/b/dst/x/tool") == "#!/bin/sh\n");
    CHECK(mode_of(t.path + "/b/dst/x/tool") == 0751);
    CHECK(fs::read_symlink(t.path + "/b/dst/link") == "x/tool");
    CHECK(slurp(t.path + "/b/dst/keep") == "k"); // folders merge
    struct stat st {};
    REQUIRE(::stat((t.path + "/b/dst/readme").c_str(), &st) == 0);
    CHECK(st.st_mtim.tv_sec == 1000);

    SECTION("--chmod applies to everything copied") {
        REQUIRE(copy(t, "/src", "/other/", 0644));
        CHECK(mode_of(t.path + "/b/other/x/tool") == 0644);
        CHECK(mode_of(t.path + "/b/other/x") == 0644);
    }
}

TEST_CASE("tree copy: a file to a path, or into a folder", "[tree_copy]") {
    TempDir t;
    t.write("a/build/hex2", "elf");
    fs::create_directories(t.path + "/b");
    REQUIRE(copy(t, "/build/hex2", "/bin/"));
    CHECK(slurp(t.path + "/b/bin/hex2") == "elf");
    REQUIRE(copy(t, "/build/hex2", "/usr/bin/renamed"));
    CHECK(slurp(t.path + "/b/usr/bin/renamed") == "elf");
    // An existing file is replaced, an existing symlink is replaced rather than followed.
    t.write("outside", "untouched");
    ::symlink((t.path + "/outside").c_str(), (t.path + "/b/bin/hex2b").c_str());
    REQUIRE(copy(t, "/build/hex2", "/bin/hex2b"));
    CHECK(slurp(t.path + "/outside") == "untouched");
    CHECK(slurp(t.path + "/b/bin/hex2b") == "elf");
    CHECK_FALSE(fs::is_symlink(t.path + "/b/bin/hex2b"));
    // The root folder itself: its contents.
    REQUIRE(init::copy_into_root({t.path + "/a", "/", t.path + "/c", "/", -1}) == false);
    fs::create_directories(t.path + "/c");
    REQUIRE(init::copy_into_root({t.path + "/a", "/", t.path + "/c", "/", -1}));
    CHECK(slurp(t.path + "/c/build/hex2") == "elf");
}

TEST_CASE("tree copy: symlinks planted by a step never lead out of their root", "[tree_copy]") {
    TempDir t;
    t.write("host/secret", "host file");
    fs::create_directories(t.path + "/a");
    fs::create_directories(t.path + "/b");
    // Source side: an absolute link and a ../ link, both pointing at the host.
    ::symlink((t.path + "/host").c_str(), (t.path + "/a/abs").c_str());
    ::symlink("../../../../../../../..", (t.path + "/a/up").c_str());
    CHECK_FALSE(copy(t, "/abs/secret", "/got"));
    CHECK_FALSE(copy(t, "/up" + t.path + "/host/secret", "/got"));
    CHECK_FALSE(fs::exists(t.path + "/b/got"));
    // Destination side: a folder symlinked at the host. Where that path does not exist
    // inside the root, the copy fails; where it does, the copy lands inside the root.
    t.write("a/file", "data");
    ::symlink((t.path + "/host").c_str(), (t.path + "/b/bin").c_str());
    CHECK_FALSE(copy(t, "/file", "/bin/"));
    CHECK_FALSE(fs::exists(t.path + "/host/file"));
    fs::create_directories(t.path + "/b" + t.path + "/host");
    REQUIRE(copy(t, "/file", "/bin/"));
    CHECK(slurp(t.path + "/host/secret") == "host file");
    CHECK_FALSE(fs::exists(t.path + "/host/file"));
    CHECK(slurp(t.path + "/b" + t.path + "/host/file") == "data");
}

TEST_CASE("tree copy: what cannot be copied is refused", "[tree_copy]") {
    TempDir t;
    fs::create_directories(t.path + "/b");
    std::string deep = "a/d";
    for (int i = 0; i < 300; ++i) deep += "/d";
    t.write(deep + "/f", "x");
    CHECK_FALSE(copy(t, "/d", "/deep"));
    CHECK_FALSE(copy(t, "/missing", "/x"));
    t.write("a/f", "x");
    fs::create_directories(t.path + "/b/isdir");
    t.write("b/isdir/inner", "y");
    CHECK_FALSE(copy(t, "/f", "/isdir")); // a folder is never replaced by a file
    CHECK(slurp(t.path + "/b/isdir/inner") == "y");
}

TEST_CASE("tree copy: between file systems of different kinds", "[tree_copy]") {
    // The root image (squashfs) to the work partition (ext4) is such a pair in the guest;
    // here tmpfs to the test folder's file system, where the kernel refuses copy_file_range.
    char shm[] = "/dev/shm/seedboot-test-XXXXXX";
    REQUIRE(::mkdtemp(shm) != nullptr);
    TempDir t;
    std::string big = noise(200 * 1024, 7);
    REQUIRE(spit(std::string(shm) + "/big", big));
    fs::create_directories(t.path + "/b");
    bool ok = init::copy_into_root({shm, "/big", t.path + "/b", "/big", -1});
    fs::remove_all(shm);
    REQUIRE(ok);
    CHECK(slurp(t.path + "/b/big") == big);
}
