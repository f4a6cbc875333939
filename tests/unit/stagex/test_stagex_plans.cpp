// The plans of StageX stages shaped like stages 2 and 3 (trees the test writes itself, no
// upstream file), from StageX's files alone: the steps, the build stages and their roots,
// the fetched files each needs and whether the fetch folder has them right, the earlier
// stages' images, the platforms and the guest they run in, and the platform mixes no
// guest runs, refused with which stage runs where.
#include "builder/spec/spec.hpp"
#include "builder/stagex/root/stage_root.hpp"

#include "libseedboot/sys/files.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace builder;

namespace {

// Stage 2's shape: one platform, the whole fetch folder copied in, the earlier stage's
// image copied over it and based on, here-documents run and written, an ARG after ENV.
const char* kStage2Like = "FROM scratch AS build\n"                   // 1
                          "ARG CC_SOURCE\n"                           // 2
                          "ARG CC_VERSION\n"                          // 3
                          "ARG LIBC_SOURCE\n"                         // 4
                          "ENV SOURCE_DATE_EPOCH=1\n"                 // 5
                          "COPY --from=fetch . .\n"                   // 6
                          "COPY --from=stagex/bootstrap-stage1 . /\n" // 7
                          "RUN --network=none <<-EOF\n"               // 8
                          "\ttar -xf ${CC_SOURCE}\n"
                          "\ttar -xf ${LIBC_SOURCE}\n"
                          "EOF\n"
                          "COPY --chmod=755 <<-'EOF' /env.sh\n" // 12
                          "\texport TARGET=${TARGET_ARCH}-linux-musl\n"
                          "EOF\n"
                          "ARG TARGET_LIST=\"x86_64 aarch64\"\n"
                          "RUN --network=none <<-EOF\n" // 16
                          "\tfor arch in ${TARGET_LIST}; do TARGET_ARCH=$arch /env.sh; done\n"
                          "EOF\n"
                          "FROM stagex/bootstrap-stage1 AS package\n" // 19
                          "COPY --from=build /rootfs/ /\n";           // 20

// Stage 3's shape: no platforms in package.toml (built per TARGETARCH); a linux/386 base
// from stage 2's image and stages built FROM it, native stages FROM scratch that copy the
// 386 stages' output, and a 386 stage that copies a native one's output back.
const char* kStage3Like = "FROM --platform=linux/386 stagex/bootstrap-stage2 AS base\n" // 1
                          "ARG TARGETARCH\n"
                          "WORKDIR /rootfs/\n" // 3
                          "SHELL [\"/bin/sh\",\"-l\",\"-c\"]\n"
                          "COPY <<-'EOF' /etc/profile\n" // 5
                          "\t[ \"$TARGETARCH\" = amd64 ] && ARCH=x86_64\n"
                          "\texport TARGET=${ARCH}-linux-musl\n"
                          "EOF\n"
                          "RUN --network=none <<-EOF\n" // 9
                          "\tinstall -d -m0755 usr/bin\n"
                          "EOF\n"
                          "\n"
                          "FROM base AS tools\n" // 13
                          "ARG TARGETARCH\n"
                          "ARG TOOLS_VERSION\n"
                          "ADD fetch/tools-${TOOLS_VERSION}.tar.gz /\n" // 16
                          "WORKDIR /tools-${TOOLS_VERSION}\n"           // 17
                          "RUN --network=none ./configure --host=${TARGET} $TARGETARCH\n"
                          "\n"
                          "FROM scratch AS kit\n"          // 20
                          "COPY --from=base /rootfs/ /\n"  // 21
                          "COPY --from=tools /rootfs/ /\n" // 22
                          "ARG KIT_VERSION\n"
                          "ADD fetch/kit-${KIT_VERSION}.tar.gz /\n" // 24
                          "RUN make DESTDIR=/rootfs install\n"      // 25
                          "\n"
                          "FROM base AS lib\n"           // 27
                          "COPY --from=kit /rootfs/ /\n" // 28
                          "ARG LIB_VERSION\n"
                          "ADD fetch/lib-${LIB_VERSION}.tar.gz /\n" // 30
                          "RUN make\n"                              // 31
                          "\n"
                          "FROM scratch AS install\n"     // 33
                          "COPY --from=base /rootfs/ /\n" // 34
                          "COPY --from=kit /rootfs/ /\n"  // 35
                          "COPY --from=lib /rootfs/ /\n"  // 36
                          "FROM scratch AS package\n"     // 37
                          "COPY --from=install . /\n";    // 38

std::string source(const std::string& name, const std::string& version, const std::string& ext) {
    return "\n[sources." + name + "]\nversion = \"" + version + "\"\nhash = \"" +
           std::string(64, 'a') + "\"\nfile = \"" + name + "-{version}." + ext +
           "\"\nmirrors = [\"https://example.org/{file}\"]\n";
}

// packages/bootstrap/stageN of a StageX-shaped tree, and a spec naming it.
std::string make_stage(const TempDir& t, int n, const std::string& platforms,
                       const std::string& sources, const std::string& containerfile,
                       const std::string& arches) {
    std::string dir = "sx/stagex/packages/bootstrap/stage" + std::to_string(n);
    t.write(dir + "/package.toml",
            "[package]\nname = \"stage" + std::to_string(n) + "\"\n" + platforms + sources);
    t.write(dir + "/Containerfile", containerfile);
    return t.write("images/s" + std::to_string(n) + ".toml",
                   "[image]\narches = [" + arches +
                       "]\n\n[stagex]\ntree = \"{sources}/stagex\"\n"
                       "stage = " +
                       std::to_string(n) + "\nfetch = \"{sources}/stagex-fetch\"\n");
}

std::string stage2(const TempDir& t) {
    return make_stage(t, 2, "platforms = [\"linux/386\"]\n",
                      source("cc", "1.0", "tar.gz") + source("libc", "2.0", "tar.xz"), kStage2Like,
                      "\"i386\", \"x86_64\"");
}

std::string stage3(const TempDir& t) {
    return make_stage(t, 3, "",
                      source("tools", "4.4", "tar.gz") + source("kit", "1.2", "tar.gz") +
                          source("lib", "0.9", "tar.gz"),
                      kStage3Like, "\"x86_64\", \"aarch64\"");
}

bool plan_of(const TempDir& t, const std::string& spec_path, const std::string& arch,
             StagexPlan& out, std::string& err) {
    Spec spec;
    REQUIRE(load_spec(spec_path, spec, err));
    REQUIRE(apply_options(spec, t.path + "/sx", "", err));
    return stagex_plan(spec, arch, t.path + "/build", out, err);
}

StagexPlan plan_ok(const TempDir& t, const std::string& spec_path, const std::string& arch) {
    StagexPlan p;
    std::string err;
    bool ok = plan_of(t, spec_path, arch, p, err);
    INFO(err);
    REQUIRE(ok);
    return p;
}

std::vector<std::string> step_names(const seedboot::Plan& p) {
    std::vector<std::string> out;
    for (const auto& s : p.steps) out.push_back(s.name);
    return out;
}

const seedboot::PlanStep& step(const seedboot::Plan& p, const std::string& name) {
    for (const auto& s : p.steps)
        if (s.name == name) return s;
    FAIL("no step " << name);
    return p.steps.front();
}

bool has_env(const seedboot::PlanStep& s, const std::string& entry) {
    return std::find(s.env.begin(), s.env.end(), entry) != s.env.end();
}

} // namespace

TEST_CASE("stagex plans: a stage-2-like plan with nothing fetched", "[stagex_plans]") {
    TempDir t;
    StagexPlan p = plan_ok(t, stage2(t), "i386");
    const auto& plan = p.plan;
    CHECK(plan.arch == "i386");
    CHECK(step_names(plan) == std::vector<std::string>{"L1-from-build", "L6-copy", "L7-copy",
                                                       "L8-run", "L12-copy", "L16-run",
                                                       "L19-from-package", "L20-copy"});
    CHECK(plan.roots == std::vector<std::string>{"s-build", "s-package"});
    CHECK(p.platforms == std::vector<std::string>{"linux/386", "linux/386"});
    CHECK(plan.digest_root == "s-package");
    CHECK(step(plan, "L6-copy").argv == std::vector<std::string>{"/sources/stagex/fetch", "/"});
    CHECK(step(plan, "L7-copy").argv ==
          std::vector<std::string>{"/sources/stagex/image/bootstrap-stage1", "/"});
    CHECK(step(plan, "L19-from-package").base == "/sources/stagex/image/bootstrap-stage1");
    CHECK(step(plan, "L20-copy").from == "s-build");
    CHECK(has_env(step(plan, "L8-run"), "CC_SOURCE=cc-1.0.tar.gz"));
    CHECK(has_env(step(plan, "L16-run"), "TARGET_LIST=x86_64 aarch64"));
    CHECK(step(plan, "L12-copy").chmod == 0755);

    // `COPY --from=fetch .` needs every source, first at that step; none is there yet.
    REQUIRE(p.fetched.size() == 2);
    CHECK(p.fetched[0].name == "cc-1.0.tar.gz");
    CHECK(p.fetched[1].name == "libc-2.0.tar.xz");
    for (const auto& f : p.fetched) {
        CHECK(f.step == "L6-copy");
        CHECK(f.problem == "missing");
        CHECK(f.path == t.path + "/sx/stagex-fetch/stage2/" + f.name);
    }
    REQUIRE(p.images.size() == 1);
    CHECK(p.images[0].name == "stagex/bootstrap-stage1");
    CHECK(p.images[0].step == "L7-copy");
    CHECK(p.images[0].problem == "not named by [stagex] images");
    CHECK(p.fetch == t.path + "/sx/stagex-fetch");

    SECTION("a fetched file that is right, one with other bytes") {
        t.write("sx/stagex-fetch/stage2/cc-1.0.tar.gz", "not cc");
        std::string hex, err;
        uint64_t size = 0;
        REQUIRE(seedboot::sha256_file(t.path + "/sx/stagex-fetch/stage2/cc-1.0.tar.gz", hex, size,
                                      err));
        std::string text = "[package]\nname = \"stage2\"\nplatforms = [\"linux/386\"]\n" +
                           source("cc", "1.0", "tar.gz") + source("libc", "2.0", "tar.xz");
        text.replace(text.find(std::string(64, 'a')), 64, hex);
        t.write("sx/stagex/packages/bootstrap/stage2/package.toml", text);
        t.write("sx/stagex-fetch/stage2/libc-2.0.tar.xz", "not libc");
        StagexPlan q = plan_ok(t, t.path + "/images/s2.toml", "i386");
        CHECK(q.fetched[0].problem == "");
        CHECK(q.fetched[1].problem.starts_with("sha256 "));
        CHECK(q.fetched[1].problem.find("expected " + std::string(64, 'a')) != std::string::npos);
    }
    SECTION("the earlier stage's image, named by [stagex] images, missing then there") {
        std::string spec = t.path + "/images/s2.toml";
        t.write("images/s2.toml", slurp(spec) + "images = { \"stagex/bootstrap-stage1\" = "
                                                "\"../out/s1.sqfs\" }\n");
        StagexPlan q = plan_ok(t, spec, "i386");
        CHECK(q.images[0].path == t.path + "/out/s1.sqfs");
        CHECK(q.images[0].problem == "missing");
        t.write("out/s1.sqfs", "an image");
        CHECK(plan_ok(t, spec, "i386").images[0].problem == "");
    }
    SECTION("refused on a guest that does not run its platforms") {
        StagexPlan q;
        std::string err;
        CHECK_FALSE(plan_of(t, t.path + "/images/s2.toml", "x86_64", q, err));
        CHECK(err == t.path + "/images/s2.toml: StageX stage 2 runs in the i386 guest, not x86_64 "
                              "(its platforms)");
        CHECK_FALSE(plan_of(t, t.path + "/images/s2.toml", "aarch64", q, err));
        CHECK(err == t.path + "/images/s2.toml: arch 'aarch64' is not in its [image] arches");
    }
}

TEST_CASE("stagex plans: a stage-3-like plan for amd64 runs in one x86_64 guest",
          "[stagex_plans]") {
    TempDir t;
    StagexPlan p = plan_ok(t, stage3(t), "x86_64");
    const auto& plan = p.plan;
    CHECK(plan.arch == "x86_64");
    CHECK(step_names(plan) ==
          std::vector<std::string>{"L1-from-base",   "L3-workdir",       "L5-copy",     "L9-run",
                                   "L13-from-tools", "L16-add",          "L17-workdir", "L18-run",
                                   "L20-from-kit",   "L21-copy",         "L22-copy",    "L24-add",
                                   "L25-run",        "L27-from-lib",     "L28-copy",    "L30-add",
                                   "L31-run",        "L33-from-install", "L34-copy",    "L35-copy",
                                   "L36-copy",       "L37-from-package", "L38-copy"});
    CHECK(plan.roots == std::vector<std::string>{"s-base", "s-tools", "s-kit", "s-lib", "s-install",
                                                 "s-package"});
    // Stages built FROM base run on base's linux/386, those FROM scratch on TARGETARCH's.
    CHECK(p.platforms == std::vector<std::string>{"linux/386", "linux/386", "linux/amd64",
                                                  "linux/386", "linux/amd64", "linux/amd64"});
    CHECK(plan.digest_root == "s-package");
    // TARGETARCH is the build's (--arch), in the environment the shell expands it with.
    CHECK(has_env(step(plan, "L18-run"), "TARGETARCH=amd64"));
    CHECK(step(plan, "L18-run").argv ==
          std::vector<std::string>{"/bin/sh", "-l", "-c",
                                   "./configure --host=${TARGET} $TARGETARCH"});
    CHECK(step(plan, "L13-from-tools").base == "s-base");
    CHECK(step(plan, "L20-from-kit").base == "");
    CHECK(step(plan, "L28-copy").from == "s-kit");
    CHECK(step(plan, "L38-copy").argv == std::vector<std::string>{"/", "/"});

    REQUIRE(p.fetched.size() == 3);
    CHECK(p.fetched[0].name == "tools-4.4.tar.gz");
    CHECK(p.fetched[0].step == "L16-add");
    CHECK(p.fetched[1].name == "kit-1.2.tar.gz");
    CHECK(p.fetched[1].step == "L24-add");
    CHECK(p.fetched[2].name == "lib-0.9.tar.gz");
    CHECK(p.fetched[2].step == "L30-add");
    REQUIRE(p.images.size() == 1);
    CHECK(p.images[0].name == "stagex/bootstrap-stage2");
    CHECK(p.images[0].step == "L1-from-base");
}

TEST_CASE("stagex plans: a stage-3-like plan for arm64 is refused, naming where each stage "
          "runs",
          "[stagex_plans]") {
    TempDir t;
    std::string spec = stage3(t);
    StagexPlan p;
    std::string err;
    CHECK_FALSE(plan_of(t, spec, "aarch64", p, err));
    CHECK(err == t.path +
                     "/sx/stagex/packages/bootstrap/stage3/Containerfile: its stages run on "
                     "linux/386 (base, tools, lib), linux/arm64 (kit, install, package): no one "
                     "guest runs them all (seedboot boots one guest per plan; i386 runs "
                     "linux/386, x86_64 runs linux/386 and linux/amd64, aarch64 runs "
                     "linux/arm64); nor would guests run one after another: linux/386 stage lib "
                     "takes files from linux/arm64 stage kit, which is built from linux/386 "
                     "stage base");
}
