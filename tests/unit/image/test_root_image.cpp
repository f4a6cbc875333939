// Root images: the composition of a spec, and byte-identical output from two
// copies of the inputs that differ in mtimes and in mode bits we do not keep.
#include "builder/image/squashfs/squashfs.hpp"
#include "builder/pack/root_image.hpp"
#include "builder/spec/spec.hpp"

#include "libseedboot/format/manifest.hpp"
#include "libseedboot/format/plan.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <sstream>
#include <sys/stat.h>
#include <utime.h>

using namespace builder;
namespace fs = std::filesystem;

namespace {

const std::string kRoot = SEEDBOOT_SOURCE_DIR;

// A copy of images/ and rootfs/ under `dir`, as a second checkout would have them.
void copy_inputs(const std::string& dir) {
    fs::create_directories(dir);
    fs::copy(kRoot + "/images", dir + "/images", fs::copy_options::recursive);
    fs::copy(kRoot + "/rootfs", dir + "/rootfs", fs::copy_options::recursive);
}

// Different mtimes everywhere, and group/other bits flipped on every file.
void disturb(const std::string& dir) {
    time_t t = 1000000000;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        struct stat st {};
        REQUIRE(::lstat(e.path().c_str(), &st) == 0);
        if (S_ISREG(st.st_mode)) ::chmod(e.path().c_str(), (st.st_mode & 0700) | 0060);
        struct utimbuf ut {
            t, t
        };
        ::utime(e.path().c_str(), &ut);
        t += 7777;
    }
}

std::string pack(const std::string& dir, const std::string& arch, const std::string& init,
                 unsigned workers) {
    Spec spec;
    RootImage img;
    std::string err;
    REQUIRE(load_spec(dir + "/images/default.toml", spec, err));
    REQUIRE(compose_root_image(spec, arch, init, dir + "/build", img, err));
    SquashfsOptions opt;
    opt.mtime = static_cast<uint32_t>(spec.epoch);
    opt.workers = workers;
    std::string out = dir + "/root-" + arch + ".sqfs";
    REQUIRE(write_squashfs(img.entries, out, opt, err));
    return out;
}

} // namespace

TEST_CASE("the default image: manifest, plan and layout", "[root-image]") {
    TempDir t;
    std::string init = t.write("init", "not a real init");
    Spec spec;
    RootImage img;
    std::string err;
    REQUIRE(load_spec(kRoot + "/images/default.toml", spec, err));
    REQUIRE(compose_root_image(spec, "x86_64", init, "build", img, err));
    seedboot::Manifest m;
    REQUIRE(seedboot::parse_manifest(img.manifest, "/manifest", m, err));
    std::set<std::string> paths;
    for (const auto& e : m) paths.insert(e.path);
    CHECK(paths.count("/seed/hex0-seed"));
    CHECK(paths.count("/seed/hex0-seed.hex0"));
    CHECK(paths.count("/sources/chain/catm.hex0"));
    CHECK_FALSE(paths.count("/init")); // the manifest covers /seed and /sources only
    CHECK(img.plan.steps.size() == 5);
    CHECK(img.plan.binds[0].from == "/seed");
    std::set<std::string> image_paths;
    for (const auto& e : img.entries) image_paths.insert(e.path);
    for (const char* p : {"/", "/dev", "/proc", "/sys", "/work", "/init", "/plan", "/manifest"})
        CHECK(image_paths.count(p));
}

TEST_CASE("packing twice from differently touched copies gives the same bytes",
          "[root-image][repro]") {
    TempDir t;
    copy_inputs(t.path + "/a");
    copy_inputs(t.path + "/b");
    disturb(t.path + "/b");
    std::string init_a = t.write("a/init", "the same PID 1"),
                init_b = t.write("b/init", "the same PID 1");
    ::chmod(init_b.c_str(), 0700);
    for (std::string arch : {"i386", "x86_64", "aarch64"}) {
        INFO(arch);
        std::string a = slurp(pack(t.path + "/a", arch, init_a, 1));
        std::string b = slurp(pack(t.path + "/b", arch, init_b, 2));
        CHECK(a.size() > 4096);
        CHECK(a == b);
    }
}

TEST_CASE("a missing seed, source or PID 1 is named", "[root-image]") {
    TempDir t;
    copy_inputs(t.path);
    Spec spec;
    RootImage img;
    std::string err;
    REQUIRE(load_spec(t.path + "/images/default.toml", spec, err));
    std::string init = t.write("init", "x");
    CHECK_FALSE(compose_root_image(spec, "x86_64", t.path + "/no-init", "build", img, err));
    CHECK(err == t.path + "/no-init: PID 1 binary not found (build it with make init-x86_64)");
    fs::remove(t.path + "/rootfs/chain/x86_64/catm.hex0");
    fs::remove(t.path + "/rootfs/chain/x86_64/chain.answers");
    fs::remove_all(t.path + "/rootfs/seed/aarch64");
    CHECK_FALSE(compose_root_image(spec, "aarch64", init, "build", img, err));
    CHECK(err.find(t.path + "/rootfs/seed/aarch64/hex0-seed") != std::string::npos);
    CHECK(err.find("No such file or directory") != std::string::npos);
}
