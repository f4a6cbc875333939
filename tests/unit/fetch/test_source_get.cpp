// seedboot get: a git tree with nested submodules comes out exactly as its lock
// says, and a tree that lacks a nested submodule is refused, naming the folder.
// The repositories are local (no network); their URLs are https:// ones that git
// maps to them, as a user's would be.
#include "builder/fetch/source_get.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace builder;

namespace {

// leaf <- mid (submodule leafdir) <- top (submodules mid and leaf), as a recursive
// upstream such as stage0-posix has them; `expected` is every tracked file of all
// of them, unpacked with `git archive` (which does not follow submodules).
std::string make_repositories(const TempDir& t) {
    std::ofstream(t.path + "/gitconfig")
        << "[protocol \"file\"]\n\tallow = always\n[url \"" << t.path
        << "/\"]\n\tinsteadOf = https://example.invalid/\n[user]\n\tname = t\n\temail = t@t\n"
        << "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n";
    ::setenv("GIT_CONFIG_GLOBAL", (t.path + "/gitconfig").c_str(), 1);
    std::string script = "set -e; cd " + t.path + R"(
        exec >/dev/null 2>&1
        git init -q leaf; echo c > leaf/c.txt; git -C leaf add .; git -C leaf commit -qm leaf
        git init -q mid; echo b > mid/b.txt; git -C mid add .
        git -C mid submodule add -q https://example.invalid/leaf leafdir; git -C mid commit -qm mid
        git init -q top; echo a > top/a.txt; mkdir "top/High Level"; echo h > "top/High Level/h"
        git -C top add .; git -C top submodule add -q https://example.invalid/mid mid
        git -C top submodule add -q https://example.invalid/leaf leaf; git -C top commit -qm top
        mkdir -p expected/top; git -C top archive HEAD | tar -x -C expected/top
        git -C mid archive HEAD | tar -x -C expected/top/mid
        git -C leaf archive HEAD | tar -x -C expected/top/leaf
        cp -a expected/top expected/incomplete
        git -C leaf archive HEAD | tar -x -C expected/top/mid/leafdir
        git -C top rev-parse HEAD > top.commit)";
    REQUIRE(std::system(("bash -c '" + std::string(script) + "'").c_str()) == 0);
    std::ifstream f(t.path + "/top.commit");
    std::string commit;
    f >> commit;
    return commit;
}

SourceLock lock_for(const TempDir& t, const std::string& tree, const std::string& get) {
    std::string text, err;
    REQUIRE(make_lock_text(tree, "top", text, err));
    std::string file = t.write("top.lock", text + "url https://example.invalid/top\n" + get);
    SourceLock lock;
    REQUIRE(load_lock(file, lock, err));
    return lock;
}

} // namespace

TEST_CASE("get: a git tree with nested submodules is exactly the locked tree", "[lock][get]") {
    TempDir t;
    std::string commit = make_repositories(t);
    SourceLock lock =
        lock_for(t, t.path + "/expected/top", "get git https://example.invalid/top " + commit);
    CHECK(lock.parts.size() == 5); // .gitmodules, High Level, a.txt, leaf, mid
    std::string err;
    REQUIRE(get_source(lock, t.path + "/sources", err));
    CHECK(check_lock(lock, t.path + "/sources/top", err));
    // Run again: the tree is there and right.
    CHECK(get_source(lock, t.path + "/sources", err));

    SECTION("a tree without the nested submodule is refused, naming the folder") {
        CHECK_FALSE(check_lock(lock, t.path + "/expected/incomplete", err));
        CHECK(err.find("; top-level entries that differ: mid (4 entries, lock 5): refusing a "
                       "source that is not the locked one; get it with `seedboot get " +
                       lock.file + " --into DIR` (git https://example.invalid/top at " + commit +
                       " with every submodule, nested ones too)") != std::string::npos);
        // An existing tree that is not the locked one is not overwritten.
        REQUIRE(std::system(("rm -rf " + t.path + "/sources/top/leaf").c_str()) == 0);
        CHECK_FALSE(get_source(lock, t.path + "/sources", err));
        CHECK(err.find("; missing: leaf: refusing") != std::string::npos);
        CHECK(err.find("(" + t.path + "/sources/top exists: remove it to get the locked one)") !=
              std::string::npos);
    }
    SECTION("a commit that is not the locked tree is removed, never kept") {
        SourceLock other = lock_for(t, t.path + "/expected/incomplete",
                                    "get git https://example.invalid/top " + commit);
        CHECK_FALSE(get_source(other, t.path + "/other", err));
        CHECK(err.find("top-level entries that differ: mid (5 entries, lock 4)") !=
              std::string::npos);
        CHECK_FALSE(std::filesystem::exists(t.path + "/other/top"));
        CHECK_FALSE(std::filesystem::exists(t.path + "/other/.top.get"));
    }
    SECTION("an unknown commit fails with git's own words") {
        SourceLock bad = lock_for(t, t.path + "/expected/top",
                                  "get git https://example.invalid/top " + std::string(40, 'f'));
        CHECK_FALSE(get_source(bad, t.path + "/bad", err));
        CHECK(err.find("git failed (exit ") == 0);
        CHECK_FALSE(std::filesystem::exists(t.path + "/bad/top"));
    }
    ::unsetenv("GIT_CONFIG_GLOBAL");
}
