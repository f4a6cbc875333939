// The PID 1's paths in the hostile build tree, run on the host: outputs must be
// regular files reached through no symlink, mount points are made through no
// symlink, and answers come only from the root image's /sources or /seed.
#include "init/actions/tree_paths.hpp"

#include "libseedboot/sys/fd.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

// What a call printed on fd 1 (the PID 1's console), with its result.
template <class F> std::string console_of(F call, bool& result) {
    std::fflush(stdout);
    char tmpl[] = "/tmp/seedboot-console-XXXXXX";
    int file = ::mkstemp(tmpl), saved = ::dup(1);
    ::dup2(file, 1);
    result = call();
    ::dup2(saved, 1);
    ::close(saved);
    std::string text(4096, '\0');
    ssize_t n = ::pread(file, text.data(), text.size(), 0);
    ::close(file);
    ::unlink(tmpl);
    text.resize(n > 0 ? size_t(n) : 0);
    return text;
}

struct Tree {
    TempDir t;
    std::string root = t.path + "/build";
    init::Fd fd;
    Tree() {
        fs::create_directories(root);
        fd = init::Fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    }
    std::string refused_output(const std::string& path) {
        init::Fd out;
        bool ok = true;
        std::string said = console_of([&] { return init::open_output(fd.get(), path, out); }, ok);
        CHECK_FALSE(ok);
        return said;
    }
};

} // namespace

TEST_CASE("an output is a regular file of the tree, reached through no symlink", "[tree]") {
    Tree tr;
    tr.t.write("build/bin/tool", "tool");
    tr.t.write("secret", "outside the tree");
    init::Fd out;
    REQUIRE(init::open_output(tr.fd.get(), "/bin/tool", out));
    char buf[8] = {};
    CHECK(::read(out.get(), buf, sizeof buf) == 4);

    fs::create_symlink("/bin/tool", tr.root + "/link");
    fs::create_symlink("../secret", tr.root + "/up");
    fs::create_directory_symlink("bin", tr.root + "/bindir");
    for (const char* p : {"/link", "/up", "/bindir/tool"})
        CHECK(tr.refused_output(p) ==
              std::string("seedboot: error: output ") + p +
                  " is a symbolic link or lies behind one (expected a regular file reached through "
                  "no link)\n");
    fs::create_directories(tr.root + "/out.d");
    CHECK(tr.refused_output("/out.d") ==
          "seedboot: error: output /out.d is a directory (expected a regular file)\n");
    // ".." cannot climb out: resolved inside the tree, /../secret is the tree's /secret.
    CHECK(tr.refused_output("/../secret").find("No such file or directory") != std::string::npos);
}

TEST_CASE("a FIFO output is refused at once, not waited on", "[tree]") {
    Tree tr;
    REQUIRE(::mkfifo((tr.root + "/fifo").c_str(), 0644) == 0);
    auto start = std::chrono::steady_clock::now();
    CHECK(tr.refused_output("/fifo") ==
          "seedboot: error: output /fifo is a FIFO (expected a regular file)\n");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("mount points are made through no symlink, of the right kind", "[tree]") {
    Tree tr;
    REQUIRE(init::make_mount_point(tr.fd.get(), "/sources", true));
    REQUIRE(init::make_mount_point(tr.fd.get(), "/a/b/seed-file", false));
    CHECK(fs::is_directory(tr.root + "/sources"));
    CHECK(fs::is_regular_file(tr.root + "/a/b/seed-file"));
    REQUIRE(init::make_mount_point(tr.fd.get(), "/sources", true)); // every boot: already there

    // A step's symlink in the way: refused, and nothing made where it points.
    fs::create_directories(tr.t.path + "/elsewhere");
    fs::create_directory_symlink(tr.t.path + "/elsewhere", tr.root + "/seeds");
    bool ok = true;
    std::string said = console_of(
        [&] { return init::make_mount_point(tr.fd.get(), "/seeds/POSIX/hex0-seed", false); }, ok);
    CHECK_FALSE(ok);
    CHECK(said == "seedboot: error: mount point /seeds/POSIX in the build tree is a symbolic link "
                  "or lies behind one (a step left it): refusing to mount over it\n");
    CHECK(fs::is_empty(tr.t.path + "/elsewhere"));
    said =
        console_of([&] { return init::make_mount_point(tr.fd.get(), "/a/b/seed-file", true); }, ok);
    CHECK_FALSE(ok);
    CHECK(said == "seedboot: error: mount point /a/b/seed-file in the build tree is a regular file "
                  "(expected a directory): refusing to mount over it\n");
}

TEST_CASE("answers are read from the root image only", "[tree]") {
    std::string text;
    bool ok = true;
    std::string said =
        console_of([&] { return init::read_image_file("/tmp/planted.answers", text); }, ok);
    CHECK_FALSE(ok);
    CHECK(said == "seedboot: error: /tmp/planted.answers: expected a file of the root image, under "
                  "/sources/ or /seed/\n");
}
