// Whole files by path, and whole reads and writes on descriptors.
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/files.hpp"
#include "libseedboot/sys/io.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

TEST_CASE("read_file: the whole file, or an error naming it and what it should be", "[sys]") {
    TempDir t;
    std::string out, err;
    REQUIRE(seedboot::read_file(t.write("f", "abc"), "test file", out, err));
    CHECK(out == "abc");
    CHECK_FALSE(seedboot::read_file(t.file("none"), "trust file", out, err));
    CHECK(err == t.file("none") + ": cannot read the trust file: No such file or directory");
    CHECK_FALSE(seedboot::read_file(t.path, "trust file", out, err));
    CHECK(err == t.path + ": cannot read the trust file: not a regular file");
    CHECK_FALSE(seedboot::read_file(t.write("big", "12345"), "key file", out, err, 4));
    CHECK(err == t.file("big") + ": 5 bytes is too big for a key file (expected at most 4)");
    CHECK(out == "abc"); // untouched by the failures
}

TEST_CASE("sha256_file: digest and size, or an error naming the file", "[sys]") {
    TempDir t;
    std::string hex, err;
    uint64_t size = 0;
    REQUIRE(seedboot::sha256_file(t.write("abc", "abc"), hex, size, err));
    CHECK(hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(size == 3);
    CHECK_FALSE(seedboot::sha256_file(t.file("none"), hex, size, err));
    CHECK(err == t.file("none") + ": cannot open: No such file or directory");
}

TEST_CASE("parent_dir and fsync_dir", "[sys]") {
    CHECK(seedboot::parent_dir("out/SHA256SUMS") == "out");
    CHECK(seedboot::parent_dir("/disk.img") == "/");
    CHECK(seedboot::parent_dir("disk.img") == ".");
    TempDir t;
    std::string err;
    CHECK(seedboot::fsync_dir(t.path, err));
    CHECK_FALSE(seedboot::fsync_dir(t.file("none"), err));
    CHECK(err == t.file("none") + ": cannot flush the folder (fsync): No such file or directory");
}

TEST_CASE("whole reads: a file that ends early is told apart from an error", "[sys]") {
    TempDir t;
    seedboot::Fd fd(::open(t.write("f", "0123456789").c_str(), O_RDWR | O_CLOEXEC));
    REQUIRE(fd.ok());
    char buf[8];
    size_t got = 0;
    REQUIRE(seedboot::pread_full(fd.get(), buf, 8, 6, got));
    CHECK(got == 4);
    CHECK(seedboot::pread_exact(fd.get(), buf, 4, 6));
    CHECK(std::string(buf, 4) == "6789");
    CHECK_FALSE(seedboot::pread_exact(fd.get(), buf, 5, 6));
    CHECK(errno == 0);
    REQUIRE(seedboot::pwrite_all(fd.get(), "AB", 2, 10));
    REQUIRE(seedboot::pread_exact(fd.get(), buf, 4, 8));
    CHECK(std::string(buf, 4) == "89AB");
    CHECK(fd.close());
    CHECK_FALSE(seedboot::pread_exact(fd.get(), buf, 1, 0)); // closed: EBADF
    CHECK(errno == EBADF);
}

TEST_CASE("read_fd: an open file read whole, named by its path", "[sys]") {
    TempDir t;
    std::string out, err;
    seedboot::Fd fd(::open(t.write("f", "abc").c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(seedboot::read_fd(fd.get(), "/plan", "plan", out, err));
    CHECK(out == "abc");
    seedboot::Fd dir(::open(t.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    CHECK_FALSE(seedboot::read_fd(dir.get(), "/seed", "seed", out, err));
    CHECK(err == "/seed: cannot read the seed: not a regular file");
}

TEST_CASE("append_durably: lines add up; an unwritable path is named", "[sys]") {
    TempDir t;
    std::string err, out;
    REQUIRE(seedboot::append_durably(t.file("state"), "one\n", err));
    REQUIRE(seedboot::append_durably(t.file("state"), "two\n", err));
    REQUIRE(seedboot::read_file(t.file("state"), "journal", out, err));
    CHECK(out == "one\ntwo\n");
    CHECK_FALSE(seedboot::append_durably(t.file("no/state"), "x", err));
    CHECK(err == t.file("no/state") + ": cannot open to append: No such file or directory");
    if (::access("/dev/full", W_OK) == 0) { // a full disk: the write fails, and says so
        CHECK_FALSE(seedboot::append_durably("/dev/full", "x", err));
        CHECK(err == "/dev/full: cannot append: No space left on device");
    }
}

TEST_CASE("make_dirs: every missing folder of the path; a file in the way is named", "[sys]") {
    TempDir t;
    std::string err;
    REQUIRE(seedboot::make_dirs(t.file("a/b/c"), err));
    REQUIRE(seedboot::make_dirs(t.file("a/b/c"), err)); // there already: success
    CHECK(std::filesystem::is_directory(t.file("a/b/c")));
    t.write("f", "");
    CHECK_FALSE(seedboot::make_dirs(t.file("f/g"), err));
    CHECK(err == t.file("f/g") + ": cannot make the folder: Not a directory");
}

TEST_CASE("sync_fs and open_listing", "[sys]") {
    TempDir t;
    std::string err;
    CHECK(seedboot::sync_fs(t.path, err));
    CHECK_FALSE(seedboot::sync_fs(t.file("none"), err));
    CHECK(err ==
          t.file("none") + ": cannot flush its file system (syncfs): No such file or directory");
    t.write("x", "");
    seedboot::Fd dir(::open(t.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    seedboot::Listing l = seedboot::open_listing(dir.get());
    REQUIRE(l);
    int names = 0;
    while (dirent* e = ::readdir(l.get())) names += std::string(e->d_name) == "x";
    CHECK(names == 1);
    CHECK(::fcntl(dir.get(), F_GETFD) >= 0); // the caller's descriptor stays open
    CHECK_FALSE(seedboot::open_listing(-1));
    CHECK(errno == EBADF);
}

TEST_CASE("write_file: the whole content in place; no temporary file; errors name the path",
          "[sys]") {
    TempDir t;
    std::string err, out;
    REQUIRE(seedboot::write_file(t.file("hosts"), "a longer first text\n", 0644, err));
    REQUIRE(seedboot::write_file(t.file("hosts"), "short\n", 0644, err)); // truncated
    REQUIRE(seedboot::read_file(t.file("hosts"), "hosts file", out, err));
    CHECK(out == "short\n");
    int entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(t.path)) ++entries;
    CHECK(entries == 1);
    CHECK_FALSE(seedboot::write_file(t.file("no/hosts"), "x", 0644, err));
    CHECK(err == t.file("no/hosts") + ": cannot create: No such file or directory");
    std::filesystem::create_symlink(t.file("hosts"), t.file("link"));
    CHECK_FALSE(seedboot::write_file(t.file("link"), "x", 0644, err)); // not followed
    CHECK(err == t.file("link") + ": cannot create: Too many levels of symbolic links");
}
