// INPUTS names a StageX stage's extracted output by its tree digest (the number the
// stage's /result records) and the earlier stage's image a [stagex] spec starts from.
#include "builder/release/inputs.hpp"

#include "libseedboot/format/tree_digest.hpp"
#include "libseedboot/sys/files.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace builder;
namespace fs = std::filesystem;

namespace {

// Runs `f` with the current folder set to `dir`, as seedboot release runs from the repository.
template <typename F> void in_folder(const std::string& dir, F f) {
    fs::path was = fs::current_path();
    fs::current_path(dir);
    f();
    fs::current_path(was);
}

} // namespace

TEST_CASE("INPUTS: a stage's output by its tree digest, a stage image by its hash", "[release]") {
    TempDir t;
    t.write("rootfs/readme", "r");
    t.write("kernel-config/common.config", "c");
    t.write("build/kernel/i386/bzImage", "kernel");
    t.write("build/guest/i386/init/init", "pid1");
    t.write("build/kernel/i386/source", std::string(64, 'a') + " 1 linux.tar.xz 6.1\n");
    t.write("build/stagex/stage0-out/bin/kaem", "kaem");
    t.write("out/stagex-stage0-i386.sqfs", "sqfs");
    t.write("images/hello.toml", "[image]\narches = [\"i386\"]\n[[source]]\nname = \"s0\"\n"
                                 "path = \"{build}/stagex/stage0-out\"\n[[step]]\nname = \"x\"\n"
                                 "run = [\"/x\"]\ntimeout = 5\n");
    t.write("images/stage1.toml",
            "[image]\narches = [\"i386\"]\n[stagex]\ntree = \"t\"\nstage = 1\nfetch = \"f\"\n"
            "images = { \"stagex/bootstrap-stage0\" = \"../out/stagex-stage0-i386.sqfs\" }\n");
    seedboot::TreeDigest d;
    std::string err;
    REQUIRE(seedboot::tree_digest(t.path + "/build/stagex/stage0-out", d, err));
    Inputs inputs;
    bool ok = false;
    in_folder(t.path, [&] {
        ok =
            collect_inputs({"images", "build"}, {"hello-i386.img", "stage1-i386.img"}, inputs, err);
    });
    INFO(err);
    REQUIRE(ok);
    CHECK(inputs["{build}/stagex/stage0-out/ (tree digest)"] == d.sha256);
    CHECK(inputs.count("{build}/stagex/stage0-out/bin/kaem"));
    std::string hex;
    uint64_t size = 0;
    REQUIRE(seedboot::sha256_file(t.path + "/out/stagex-stage0-i386.sqfs", hex, size, err));
    CHECK(inputs["out/stagex-stage0-i386.sqfs"] == hex);
}
