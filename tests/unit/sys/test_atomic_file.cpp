// Atomic output files: a reader sees the old file or the new one, never a part, and a failed
// or abandoned write leaves the old one as it was and no visible file behind.
#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/io.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

// The names in `dir`, hidden ones too, sorted.
std::vector<std::string> names_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

} // namespace

TEST_CASE("atomic files: the whole content, with the mode asked for", "[sys]") {
    TempDir t;
    std::string err, path = t.file("out");
    mode_t old = ::umask(077); // the mode is the one asked for, whatever the umask
    REQUIRE(seedboot::write_file_atomic(path, "new content\n", 0644, err));
    ::umask(old);
    CHECK(slurp(path) == "new content\n");
    CHECK(mode_of(path) == 0644);
    REQUIRE(seedboot::write_file_atomic(path, "secret\n", 0600, err));
    CHECK(slurp(path) == "secret\n");
    CHECK(mode_of(path) == 0600);
    CHECK(names_in(t.path) == std::vector<std::string>{"out"});
}

TEST_CASE("atomic files: the old content stays until commit, and after an abandoned write",
          "[sys]") {
    TempDir t;
    std::string err, path = t.write("SHA256SUMS", "old\n");
    {
        seedboot::AtomicFile f;
        REQUIRE(f.create(path, 0644, err));
        REQUIRE(seedboot::write_all(f.fd(), "half of the new"));
        // Hidden and next to it: a pattern such as SHA256SUMS.minisig.* never takes it.
        CHECK(f.temp_path().rfind(t.path + "/.SHA256SUMS.tmp-", 0) == 0);
        CHECK(slurp(path) == "old\n");
    } // no commit: abandoned
    CHECK(slurp(path) == "old\n");
    CHECK(names_in(t.path) == std::vector<std::string>{"SHA256SUMS"});
    seedboot::AtomicFile f;
    REQUIRE(f.create(path, 0644, err));
    REQUIRE(seedboot::write_all(f.fd(), "new\n"));
    REQUIRE(f.commit(err));
    CHECK(slurp(path) == "new\n");
    CHECK(names_in(t.path) == std::vector<std::string>{"SHA256SUMS"});
}

TEST_CASE("atomic files: what is not a regular file is refused and left as it is", "[sys]") {
    TempDir t;
    std::string err;
    fs::create_directory(t.file("dir"));
    CHECK_FALSE(seedboot::write_file_atomic(t.file("dir"), "x", 0644, err));
    CHECK(err == t.file("dir") + ": not a regular file (expected a file to replace, or nothing)");
    CHECK(fs::is_directory(t.file("dir")));
    std::string target = t.write("target", "kept\n");
    fs::create_symlink(target, t.file("link"));
    CHECK_FALSE(seedboot::write_file_atomic(t.file("link"), "x", 0644, err));
    CHECK(err == t.file("link") + ": not a regular file (expected a file to replace, or nothing)");
    CHECK(fs::is_symlink(t.file("link")));
    CHECK(slurp(target) == "kept\n");
}

TEST_CASE("atomic files: commit_new never replaces a file that is there", "[sys]") {
    TempDir t;
    std::string err, path = t.write("key", "the old key\n");
    seedboot::AtomicFile f;
    REQUIRE(f.create(path, 0600, err));
    REQUIRE(seedboot::write_all(f.fd(), "a new key\n"));
    CHECK_FALSE(f.commit_new(err));
    CHECK(err == path + ": already exists (expected a new file)");
    CHECK(slurp(path) == "the old key\n");
    seedboot::AtomicFile g;
    std::string fresh = t.file("fresh");
    REQUIRE(g.create(fresh, 0600, err));
    REQUIRE(seedboot::write_all(g.fd(), "a new key\n"));
    REQUIRE(g.commit_new(err));
    CHECK(slurp(fresh) == "a new key\n");
    CHECK(mode_of(fresh) == 0600);
}

TEST_CASE("atomic files: a folder that does not exist is named", "[sys]") {
    TempDir t;
    std::string err, path = t.file("none/out");
    CHECK_FALSE(seedboot::write_file_atomic(path, "x", 0644, err));
    CHECK(err == path + ": cannot create a temporary file next to it: No such file or directory");
}

TEST_CASE("temporary files: removed at scope exit unless kept", "[sys]") {
    TempDir t;
    std::string err, kept, gone, adopted = t.write("made-by-a-tool", "x");
    {
        seedboot::TempFile a, b, c;
        REQUIRE(a.create(t.file("a-XXXXXX"), err));
        REQUIRE(b.create(t.file("b-XXXXXX"), err));
        c.adopt(adopted);
        gone = a.path();
        kept = b.keep();
        CHECK(fs::exists(gone));
    }
    CHECK_FALSE(fs::exists(gone));
    CHECK_FALSE(fs::exists(adopted));
    CHECK(fs::exists(kept));
    seedboot::TempFile d;
    CHECK_FALSE(d.create(t.file("none/x-XXXXXX"), err));
    CHECK(err ==
          t.file("none/x-XXXXXX") + ": cannot create a temporary file: No such file or directory");
}
