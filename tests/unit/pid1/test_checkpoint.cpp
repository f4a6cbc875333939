// The PID 1's step checkpoints, run on the host: what a cut-off step made is
// set aside (moved, never deleted) and the tree is back as the step found it.
#include "init/checkpoint.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

namespace fs = std::filesystem;

TEST_CASE("a cut-off step's new files and folders are set aside, the rest kept", "[checkpoint]") {
    TempDir t;
    std::string root = t.path + "/build";
    t.write("build/src/a.c", "int a;");
    t.write("build/bin/keep", "tool");
    REQUIRE(init::record_tree(root, t.path + "/checkpoints/01-step"));
    // What the step did before the power cut: new files, a new folder, an in-place change.
    t.write("build/bin/half-written", "\x7f"
                                      "ELF...");
    t.write("build/artifact/deep/x.o", "obj");
    t.write("build/src/a.c", "int a; int b;");
    REQUIRE(
        init::set_aside_new(root, t.path + "/checkpoints/01-step", t.path + "/aside/01-step.1"));
    CHECK_FALSE(fs::exists(root + "/bin/half-written"));
    CHECK_FALSE(fs::exists(root + "/artifact"));
    CHECK(fs::exists(root + "/bin/keep"));
    CHECK(fs::exists(root + "/src/a.c")); // changed in place: reported, rerun over
    CHECK(fs::exists(t.path + "/aside/01-step.1/bin/half-written"));
    CHECK(fs::exists(t.path + "/aside/01-step.1/artifact/deep/x.o"));
}

TEST_CASE("names with spaces survive the checkpoint listing", "[checkpoint]") {
    TempDir t;
    std::string root = t.path + "/build";
    t.write("build/High Level Prototypes/x.c", "x");
    REQUIRE(init::record_tree(root, t.path + "/list"));
    t.write("build/High Level Prototypes/new file", "y");
    REQUIRE(init::set_aside_new(root, t.path + "/list", t.path + "/aside"));
    CHECK(fs::exists(root + "/High Level Prototypes/x.c"));
    CHECK(fs::exists(t.path + "/aside/High Level Prototypes/new file"));
}

TEST_CASE("a new folder and a new file named like it plus a suffix are both set aside",
          "[checkpoint]") {
    TempDir t;
    std::string root = t.path + "/build";
    t.write("build/out/s1.sum", "kept");
    REQUIRE(init::record_tree(root, t.path + "/list"));
    // The step had written its folder and its .sum when the power went: in the sorted walk,
    // "/out/many.sum" comes between "/out/many" and "/out/many/f0000".
    t.write("build/out/many/f0000", "x");
    t.write("build/out/many.sum", "y");
    REQUIRE(init::set_aside_new(root, t.path + "/list", t.path + "/aside"));
    CHECK(fs::exists(t.path + "/aside/out/many/f0000"));
    CHECK(fs::exists(t.path + "/aside/out/many.sum"));
    CHECK(fs::exists(root + "/out/s1.sum"));
    CHECK_FALSE(fs::exists(root + "/out/many"));
}

TEST_CASE("a symlink the step made is set aside as a link, not what it points to", "[checkpoint]") {
    TempDir t;
    std::string root = t.path + "/build";
    t.write("build/tmp/keep", "k");
    std::string outside = t.write("state", "the PID 1's journal");
    REQUIRE(init::record_tree(root, t.path + "/list"));
    fs::create_symlink(outside, root + "/tmp/victim.out");
    fs::create_symlink("../../state", root + "/tmp/relative.out");
    REQUIRE(init::set_aside_new(root, t.path + "/list", t.path + "/aside"));
    CHECK(fs::is_symlink(t.path + "/aside/tmp/victim.out"));
    CHECK(fs::is_symlink(t.path + "/aside/tmp/relative.out"));
    CHECK(fs::exists(outside)); // not moved
    CHECK(fs::exists(root + "/tmp/keep"));
}
