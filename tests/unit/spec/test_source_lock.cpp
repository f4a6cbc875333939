// Source locks: a tree digest that ignores what a checkout does not keep, and
// a refusal that names the source and both hashes.
#include "builder/spec/source_lock.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <utime.h>

using namespace builder;

TEST_CASE("tree digests: content, names and exec bits count; mtimes and other bits do not",
          "[lock]") {
    TempDir t;
    t.write("a/x.c", "int main;");
    t.write("a/High Level/y", "y");
    t.write("b/x.c", "int main;");
    t.write("b/High Level/y", "y");
    ::chmod((t.path + "/b/x.c").c_str(), 0600);
    struct utimbuf ut {
        12345, 12345
    };
    ::utime((t.path + "/b/x.c").c_str(), &ut);
    std::string err;
    TreeDigest da, db;
    REQUIRE(tree_digest(t.path + "/a", da, err));
    REQUIRE(tree_digest(t.path + "/b", db, err));
    CHECK(da.entries == 3);
    CHECK(da.sha256 == db.sha256);
    ::chmod((t.path + "/b/x.c").c_str(), 0700);
    REQUIRE(tree_digest(t.path + "/b", db, err));
    CHECK(da.sha256 != db.sha256);
    ::chmod((t.path + "/b/x.c").c_str(), 0644);
    t.write("b/x.c", "int main();");
    REQUIRE(tree_digest(t.path + "/b", db, err));
    CHECK(da.sha256 != db.sha256);
}

TEST_CASE("a source that is not the locked one is refused, naming both hashes", "[lock]") {
    TempDir t;
    t.write("src/f", "content");
    std::string text, err;
    REQUIRE(make_lock_text(t.path + "/src", "thing", text, err));
    std::string lock_file = t.write("thing.lock", text + "url https://example.org/thing\n");
    SourceLock lock;
    REQUIRE(load_lock(lock_file, lock, err));
    CHECK(lock.kind == "tree");
    CHECK(lock.size == 1);
    CHECK(check_lock(lock, t.path + "/src", err));
    t.write("src/f", "contenT");
    CHECK_FALSE(check_lock(lock, t.path + "/src", err));
    CHECK(err.find(t.path + "/src: tree digest ") == 0);
    CHECK(err.find("but " + lock_file + " expects " + lock.sha256 +
                   " (1); top-level entries that differ: f (1 entries, lock 1): refusing a source "
                   "that is not the locked one; get it from https://example.org/thing") !=
          std::string::npos);
    CHECK_FALSE(check_lock(lock, t.path + "/nothing", err));
    CHECK(err == t.path + "/nothing: source 'thing' is missing (locked by " + lock_file +
                     "; get it from https://example.org/thing)");
    std::string file_lock =
        t.write("f.lock", "name f\nkind file\nsha256 " + std::string(64, 'a') + "\nsize 3\n");
    REQUIRE(load_lock(file_lock, lock, err));
    CHECK_FALSE(check_lock(lock, t.path + "/src", err));
    CHECK(err == t.path + "/src: expected a file for source 'f'");
    std::string bad = t.write("bad.lock", "name x\nkind blob\n");
    CHECK_FALSE(load_lock(bad, lock, err));
    CHECK(err == bad + ":2: bad line 'kind blob' (expected name NAME, kind tree|file, sha256 HEX, "
                       "size N, part /NAME HEX N, url URL, get git URL COMMIT)");
    // The old free-form get line is refused: the recipe is what seedboot runs.
    std::string shell = t.write("shell.lock", "name x\nget git clone https://x y\n");
    CHECK_FALSE(load_lock(shell, lock, err));
    CHECK(err.find(shell + ":2: bad line 'get git clone https://x y'") == 0);
}
