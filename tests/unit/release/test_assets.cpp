// Release assets: their names per arch, the kernel config beside a kernel, and the extra
// files, copied in and listed, with names that no other file of the release has.
#include "builder/release/assets.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

namespace {

const std::string kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

} // namespace

TEST_CASE("assets: four names per arch, each mapped back to its arch", "[release]") {
    const auto& x86 = *seedboot::find_arch("x86_64");
    CHECK(builder::asset_names(x86) ==
          std::vector<std::string>{"seedboot-init-x86_64", "seedboot-kernel-x86_64",
                                   "seedboot-kernel-x86_64.config", "seedboot-x86_64"});
    CHECK(builder::asset_arch("seedboot-aarch64") == seedboot::find_arch("aarch64"));
    CHECK(builder::asset_arch("seedboot-kernel-aarch64.config") == seedboot::find_arch("aarch64"));
    CHECK(builder::asset_arch("seedboot-init-i386") == seedboot::find_arch("i386"));
    CHECK(builder::asset_arch("seedboot-init-riscv64") == nullptr);
    CHECK(builder::asset_arch("default-x86_64.img") == nullptr);
}

TEST_CASE("assets: a kernel's config is FOLDER/.config or KERNEL.config", "[release]") {
    TempDir t;
    std::string config, err;
    std::string kernel = t.write("k/bzImage", "kernel");
    CHECK_FALSE(builder::kernel_config_of(kernel, config, err));
    CHECK(err == kernel + ": no kernel configuration beside it (expected " + t.file("k/.config") +
                     " or " + kernel + ".config, as make kernel-ARCH and make install leave it)");
    t.write("k/bzImage.config", "CONFIG_X=y\n");
    REQUIRE(builder::kernel_config_of(kernel, config, err));
    CHECK(config == kernel + ".config");
    t.write("k/.config", "CONFIG_X=y\n");
    REQUIRE(builder::kernel_config_of(kernel, config, err));
    CHECK(config == t.file("k/.config"));
}

TEST_CASE("assets: extra files are copied in and listed; a taken name is refused", "[release]") {
    TempDir t;
    std::string err;
    std::string notes = t.write("in/notes.txt", "abc");
    builder::AssetsRequest r{.build_dir = t.file("build"), .out = t.path, .extra = {notes}};
    std::vector<builder::Sum> sums;
    REQUIRE(builder::check_assets(r, err));
    REQUIRE(builder::write_assets(r, {}, sums, err));
    REQUIRE(sums.size() == 1);
    CHECK((sums[0].name == "notes.txt" && sums[0].sha256 == kAbc));
    CHECK(std::filesystem::exists(t.file("notes.txt")));
    // The file already in the release folder (make dist's .deb) is listed where it is.
    sums.clear();
    r.extra = {t.file("notes.txt")};
    REQUIRE(builder::write_assets(r, {}, sums, err));
    CHECK(sums.size() == 1);
    for (const char* name :
         {"SHA256SUMS", "INPUTS", "seedboot-init-i386", "seedboot-i386", "x.img"}) {
        sums.clear();
        r.extra = {t.write(std::string("in/") + name, "x")};
        CHECK_FALSE(builder::check_assets(r, err));
        CHECK(err == r.extra[0] + ": its name '" + name +
                         "' is taken by another file of the release (expected a name of its own)");
    }
    sums.clear();
    r.extra = {notes, t.write("in2/notes.txt", "abd")};
    CHECK_FALSE(builder::check_assets(r, err));
    CHECK(err.find("its name 'notes.txt' is taken") != std::string::npos);
    r.extra = {t.file("in")};
    CHECK_FALSE(builder::check_assets(r, err));
    CHECK(err ==
          t.file("in") + ": not a regular file (expected a file to ship as a release asset)");
}

TEST_CASE("assets: an arch whose PID 1 cannot be found is refused, naming it", "[release]") {
    TempDir t;
    std::string err;
    std::vector<builder::Sum> sums;
    builder::AssetsRequest r{.build_dir = t.file("build"), .out = t.path};
    ::unsetenv("SEEDBOOT_INIT_x86_64");
    CHECK_FALSE(builder::write_assets(r, {seedboot::find_arch("x86_64")}, sums, err));
    CHECK(err.rfind("no PID 1 binary for x86_64: none given (", 0) == 0);
    CHECK(sums.empty());
}

TEST_CASE("assets: a CLI that is not static is refused by the preflight", "[release]") {
    TempDir t;
    std::string err, self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::vector<builder::Sum> sums;
    builder::AssetsRequest r{.build_dir = t.file("build"), .out = t.path, .clis = {self}};
    CHECK_FALSE(builder::check_assets(r, err));
    CHECK_THAT(err, Catch::StartsWith(self + ": dynamically linked: "));
    CHECK(sums.empty());
    CHECK_FALSE(std::filesystem::exists(t.file("seedboot-x86_64")));
}
