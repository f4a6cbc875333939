// A StageX stage's root image from a StageX-shaped tree the test writes itself (no
// upstream file): the plan, /sources/stagex laid out from fetched archives, the seed
// and its hex0 source; every missing fetched file named before anything is packed;
// archives that would write outside their folder refused.
#include "builder/image/squashfs/squashfs.hpp"
#include "builder/image/unpack.hpp"
#include "builder/pack/root_image.hpp"
#include "builder/spec/spec.hpp"
#include "builder/stagex/root/stage_image.hpp"

#include "libseedboot/sys/files.hpp"

#include "tests/support/files.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace builder;
namespace fs = std::filesystem;

namespace {

const char* kContainerfile = "FROM scratch AS sources\n"
                             "ARG TOOLS_SOURCE\n"
                             "ARG TOOLS_VERSION\n"
                             "ADD fetch/${TOOLS_SOURCE} .\n"
                             "FROM scratch AS build\n"
                             "ARG TOOLS_VERSION\n"
                             "COPY --from=sources /tools-${TOOLS_VERSION} /src\n"
                             "ADD hex0-seed /\n"
                             "WORKDIR /build\n"
                             "RUN [\"/hex0-seed\", \"/src/hex0_x86.hex0\", \"hex0\"]\n"
                             "FROM scratch AS package\n"
                             "COPY --from=build /build/hex0 /bin/\n";

std::string sha256_of(const std::string& path) {
    std::string hex, err;
    uint64_t size = 0;
    REQUIRE(seedboot::sha256_file(path, hex, size, err));
    return hex;
}

// A StageX-shaped tree, a fetch folder with the tools tarball, and a spec naming them.
std::string make_stage(const TempDir& t, bool fetched = true) {
    t.write("src/tools-1/hex0_x86.hex0", "90 # nop\n");
    REQUIRE(shell("tar -C " + t.path + "/src -czf " + t.path + "/tools-1.tar.gz tools-1").status ==
            0);
    std::string sha = sha256_of(t.path + "/tools-1.tar.gz");
    t.write("sx/stagex/packages/bootstrap/stage0/Containerfile", kContainerfile);
    t.write("sx/stagex/packages/bootstrap/stage0/hex0-seed", "\x90");
    t.write("sx/stagex/packages/bootstrap/stage0/package.toml",
            "[package]\nname = \"stage0\"\nplatforms = [\"linux/386\"]\n\n[sources.tools]\n"
            "hash = \"" +
                sha +
                "\"\nversion = \"1\"\nfile = \"tools-{version}.tar.gz\"\n"
                "mirrors = [\"https://example.org/tools-{version}.tar.gz\"]\n");
    fs::create_directories(t.path + "/sx/stagex-fetch/stage0");
    if (fetched)
        fs::copy_file(t.path + "/tools-1.tar.gz",
                      t.path + "/sx/stagex-fetch/stage0/tools-1.tar.gz");
    return t.write("images/sx.toml", "[image]\narches = [\"i386\"]\n\n[stagex]\n"
                                     "tree = \"{sources}/stagex\"\nstage = 0\n"
                                     "fetch = \"{sources}/stagex-fetch\"\n"
                                     "seed_source = \"hex0_x86.hex0\"\n");
}

bool compose(const TempDir& t, const std::string& spec_path, RootImage& img, std::string& err,
             const std::string& until = "") {
    Spec spec;
    REQUIRE(load_spec(spec_path, spec, err));
    REQUIRE(apply_options(spec, t.path + "/sx", until, err));
    return compose_root_image(spec, "i386", "/proc/self/exe", t.path + "/build", img, err);
}

bool has_entry(const RootImage& img, const std::string& path) {
    for (const auto& e : img.entries)
        if (e.path == path) return true;
    return false;
}

} // namespace

TEST_CASE("stagex root image: plan, unpacked sources, the audited seed", "[stagex_root]") {
    TempDir t;
    std::string spec = make_stage(t);
    RootImage img;
    std::string err;
    INFO(err);
    REQUIRE(compose(t, spec, img, err));
    CHECK(img.plan.arch == "i386");
    CHECK(img.plan.roots == std::vector<std::string>{"s-sources", "s-build", "s-package"});
    CHECK(img.plan.digest_root == "s-package");
    CHECK(has_entry(img, "/sources/stagex/unpacked/tools-1.tar.gz/tools-1/hex0_x86.hex0"));
    CHECK(has_entry(img, "/seed/hex0-seed"));
    CHECK(has_entry(img, "/seed/hex0-seed.hex0"));
    CHECK(img.manifest.find("/seed/hex0-seed.hex0") != std::string::npos);

    SECTION("UNTIL runs a prefix") {
        RootImage pre;
        REQUIRE(compose(t, spec, pre, err, img.plan.steps[2].name));
        CHECK(pre.plan.steps.size() == 3);
    }
    SECTION("--until on a spec without [stagex] ends its steps there, or names them") {
        Spec plain;
        plain.file = "x.toml";
        plain.steps = {{.name = "a"}, {.name = "b"}, {.name = "c"}};
        CHECK_FALSE(apply_options(plain, "", "L3-add", err));
        CHECK(err == "x.toml: --until L3-add: no step of that name (expected one of: a, b, c)");
        REQUIRE(apply_options(plain, "", "b", err));
        REQUIRE(plain.steps.size() == 2);
        CHECK(plain.steps.back().name == "b");
    }
}

TEST_CASE("stagex root image: missing fetched files are named before packing", "[stagex_root]") {
    TempDir t;
    std::string spec = make_stage(t, false);
    RootImage img;
    std::string err;
    CHECK_FALSE(compose(t, spec, img, err));
    CHECK(err.find("1 fetched file(s) the plan needs are missing or wrong:") == 0);
    CHECK(err.find("stage0/tools-1.tar.gz: missing (needed by step L4-add)") != std::string::npos);
    CHECK(err.find("from https://example.org/tools-1.tar.gz") != std::string::npos);
    CHECK(err.find("make sources STAGE=0") != std::string::npos);

    SECTION("a fetched file with other bytes is named too") {
        t.write("sx/stagex-fetch/stage0/tools-1.tar.gz", "not the archive");
        CHECK_FALSE(compose(t, spec, img, err));
        CHECK(err.find("tools-1.tar.gz: sha256") != std::string::npos);
    }
}

TEST_CASE("unpack: a tar that would write outside its folder is refused", "[stagex_root]") {
    TempDir t;
    fs::create_directories(t.path + "/in/sub");
    t.write("in/sub/ok", "fine");
    fs::create_directories(t.path + "/out");
    std::string err;
    REQUIRE(shell("tar -C " + t.path + "/in -cf " + t.path + "/good.tar sub").status == 0);
    REQUIRE(unpack_archive(t.path + "/good.tar", t.path + "/out", err));
    CHECK(slurp(t.path + "/out/sub/ok") == "fine");

    REQUIRE(shell("tar -C " + t.path + "/in -cf " + t.path +
                  "/dotdot.tar --transform "
                  "'s,^sub,../escaped,' sub")
                .status == 0);
    CHECK_FALSE(unpack_archive(t.path + "/dotdot.tar", t.path + "/out", err));
    CHECK(err.find("leads out of the folder it unpacks into") != std::string::npos);
    CHECK_FALSE(fs::exists(t.path + "/escaped"));

    std::string bytes = slurp(t.path + "/good.tar");
    t.write("cut.tar", bytes.substr(0, 700));
    CHECK_FALSE(unpack_archive(t.path + "/cut.tar", t.path + "/out2", err));
}

TEST_CASE("read_archive_files: the picked files in memory, a large one refused", "[stagex_root]") {
    TempDir t;
    const std::string sha(64, 'a');
    t.write("in/lb-1/steps/a-1/sources", "https://x.org/a-1.tar.gz " + sha + "\n");
    t.write("in/lb-1/steps/a-1/pass1.kaem", "echo a\n");
    REQUIRE(shell("tar -C " + t.path + "/in -czf " + t.path + "/lb.tar.gz lb-1").status == 0);
    std::map<std::string, std::string> got;
    std::string err;
    auto sources = [](const std::string& n) { return n.ends_with("/sources"); };
    REQUIRE(read_archive_files(t.path + "/lb.tar.gz", sources, got, err));
    REQUIRE(got.size() == 1);
    CHECK(got["lb-1/steps/a-1/sources"] == "https://x.org/a-1.tar.gz " + sha + "\n");

    t.write("in/lb-1/steps/b-1/sources", std::string(kMaxArchiveText + 1, '#'));
    REQUIRE(shell("tar -C " + t.path + "/in -czf " + t.path + "/big.tar.gz lb-1").status == 0);
    CHECK_FALSE(read_archive_files(t.path + "/big.tar.gz", sources, got, err));
    CHECK(err == t.path + "/big.tar.gz: entry 'lb-1/steps/b-1/sources' is 1048577 bytes (expected "
                          "a small text file, at most 1048576)");
}

TEST_CASE("stage image: an earlier stage's squashfs is written out whole", "[stagex_root]") {
    TempDir t;
    std::vector<ImageEntry> entries = {{"/", 'd', 0755, "", ""},
                                       {"/bin", 'd', 0555, "", ""},
                                       {"/bin/kaem", 'f', 0755, "", "ELF"},
                                       {"/bin/sh", 'l', 0777, "", "kaem"},
                                       {"/share", 'd', 0755, "", ""},
                                       {"/share/doc", 'f', 0644, "", "text"}};
    std::string err;
    REQUIRE(write_squashfs(entries, t.path + "/stage0.sqfs", {}, err));
    fs::create_directories(t.path + "/out");
    REQUIRE(unpack_stage_image(t.path + "/stage0.sqfs", t.path + "/out", err));
    CHECK(slurp(t.path + "/out/bin/kaem") == "ELF");
    CHECK((fs::status(t.path + "/out/bin/kaem").permissions() & fs::perms::all) ==
          static_cast<fs::perms>(0755));
    CHECK((fs::status(t.path + "/out/bin").permissions() & fs::perms::all) ==
          static_cast<fs::perms>(0555));
    CHECK(fs::read_symlink(t.path + "/out/bin/sh") == "kaem");
    CHECK(slurp(t.path + "/out/share/doc") == "text");

    CHECK_FALSE(unpack_stage_image(t.path + "/none.sqfs", t.path + "/out2", err));
    CHECK(err == t.path + "/none.sqfs: an earlier stage's image is missing (make it with `make "
                          "stagex-N` for that stage, or name it in the spec's [stagex] images)");
    t.write("cut.sqfs", slurp(t.path + "/stage0.sqfs").substr(0, 100));
    CHECK_FALSE(unpack_stage_image(t.path + "/cut.sqfs", t.path + "/out3", err));
    CHECK(err.find(t.path + "/cut.sqfs: ") == 0);
    fs::permissions(t.path + "/out/bin", fs::perms::owner_all); // so TempDir can clean up
}
