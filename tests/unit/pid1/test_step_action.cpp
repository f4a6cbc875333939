// The PID 1's own steps for StageX's build stages, each writing into the view it is given:
// a root that starts as a folder of the root image, WORKDIR making folders inside a root,
// COPY between roots. (On the host the views are plain folders; in the guest, merged views.)
#include "init/actions/step_action.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

seedboot::PlanStep action(seedboot::StepAction a, std::vector<std::string> argv = {}) {
    seedboot::PlanStep s;
    s.name = "s";
    s.action = a;
    s.root = "s-x";
    s.argv = std::move(argv);
    return s;
}

} // namespace

TEST_CASE("step actions: WORKDIR and COPY into a root's view", "[step_action]") {
    TempDir t;
    using A = seedboot::StepAction;
    std::string seeds = t.path + "/seeds", package = t.path + "/package";
    fs::create_directories(seeds);
    fs::create_directories(package);
    REQUIRE(init::run_action(action(A::mkdir, {"/build/deep"}), {seeds, ""}));
    CHECK(fs::is_directory(seeds + "/build/deep"));
    t.write("seeds/build/hex0", "tool");

    auto copy = action(A::copy, {"/build/hex0", "/bin/"});
    copy.from = "s-build";
    copy.chmod = 0755;
    REQUIRE(init::run_action(copy, {package, seeds}));
    CHECK(slurp(package + "/bin/hex0") == "tool");
    CHECK(::access((package + "/bin/hex0").c_str(), X_OK) == 0);

    SECTION("a WORKDIR through a link a step left is refused, nothing made") {
        fs::create_symlink(t.path, seeds + "/out");
        CHECK_FALSE(init::run_action(action(A::mkdir, {"/out/made"}), {seeds, ""}));
        CHECK_FALSE(fs::exists(t.path + "/made"));
    }
    SECTION("a copy from the root image reads only /sources and /seed") {
        auto bad = action(A::copy, {"/etc/passwd", "/"});
        bad.from = "image";
        CHECK_FALSE(init::run_action(bad, {package, ""}));
        CHECK_FALSE(fs::exists(package + "/passwd"));
    }
    SECTION("a start takes a folder of the root image only") {
        auto start = action(A::start);
        start.base = "/etc";
        CHECK_FALSE(init::run_action(start, {package, ""}));
        start.base = "s-build";
        CHECK_FALSE(init::run_action(start, {package, ""}));
    }
    SECTION("a run step is not an action") {
        CHECK_FALSE(init::run_action(action(A::run, {"/x"}), {seeds, ""}));
    }
}
