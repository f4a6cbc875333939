// The PID 1's own steps for StageX's build stages: a root starts empty or as a
// copy of another, WORKDIR makes folders inside the root, COPY copies between
// roots; a root a cut-off start left behind is moved aside, never deleted.
#include "init/step_action.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

seedboot::PlanStep action(seedboot::StepAction a, const std::string& root,
                          std::vector<std::string> argv = {}) {
    seedboot::PlanStep s;
    s.name = "s";
    s.action = a;
    s.root = root;
    s.argv = std::move(argv);
    return s;
}

} // namespace

TEST_CASE("step actions: start, WORKDIR and COPY between build roots", "[step_action]") {
    TempDir t;
    init::Work work{t.path};
    fs::create_directories(work.roots());
    using A = seedboot::StepAction;
    CHECK(init::root_path(work, "build") == t.path + "/build");
    CHECK(init::root_path(work, "s-seeds") == t.path + "/roots/s-seeds");

    REQUIRE(init::run_action(action(A::start, "s-seeds"), work, t.path + "/aside/01-s.0"));
    REQUIRE(init::run_action(action(A::mkdir, "s-seeds", {"/build/deep"}), work, ""));
    CHECK(fs::is_directory(work.roots() + "/s-seeds/build/deep"));
    t.write("roots/s-seeds/build/hex0", "tool");

    auto from_seeds = action(A::start, "s-build");
    from_seeds.base = "s-seeds";
    REQUIRE(init::run_action(from_seeds, work, ""));
    CHECK(slurp(work.roots() + "/s-build/build/hex0") == "tool");

    auto copy = action(A::copy, "s-package", {"/build/hex0", "/bin/"});
    copy.from = "s-build";
    copy.chmod = 0755;
    REQUIRE(init::run_action(action(A::start, "s-package"), work, ""));
    REQUIRE(init::run_action(copy, work, ""));
    CHECK(slurp(work.roots() + "/s-package/bin/hex0") == "tool");
    CHECK(::access((work.roots() + "/s-package/bin/hex0").c_str(), X_OK) == 0);

    SECTION("a WORKDIR through a link a step left is refused, nothing made") {
        fs::create_symlink(t.path, work.roots() + "/s-seeds/out");
        CHECK_FALSE(init::run_action(action(A::mkdir, "s-seeds", {"/out/made"}), work, ""));
        CHECK_FALSE(fs::exists(t.path + "/made"));
    }
    SECTION("a start again moves the root a cut-off start left behind aside") {
        REQUIRE(init::run_action(action(A::start, "s-seeds"), work, t.path + "/aside/01-s.1"));
        CHECK(slurp(t.path + "/aside/01-s.1/build/hex0") == "tool");
        CHECK(fs::is_empty(work.roots() + "/s-seeds"));
    }
    SECTION("a copy from the root image reads only /sources and /seed") {
        auto bad = action(A::copy, "s-package", {"/etc/passwd", "/"});
        bad.from = "image";
        CHECK_FALSE(init::run_action(bad, work, ""));
        CHECK_FALSE(fs::exists(work.roots() + "/s-package/passwd"));
    }
    SECTION("a run step is not an action") {
        CHECK_FALSE(init::run_action(action(A::run, "s-seeds", {"/x"}), work, ""));
    }
}
