// StageX's files read as our own: Containerfile syntax, BuildKit's variable
// expansion, and the build stages a Containerfile describes. The fixtures are
// ours, written in the shapes StageX's bootstrap stages use.
#include "builder/stagex/compile.hpp"
#include "builder/stagex/containerfile.hpp"
#include "builder/stagex/distfiles.hpp"
#include "builder/stagex/expand.hpp"
#include "builder/stagex/recipe.hpp"

#include <catch2/catch.hpp>

using namespace builder::stagex;

namespace {

Containerfile parse_ok(const std::string& text) {
    Containerfile cf;
    std::string err;
    INFO(err);
    REQUIRE(parse_containerfile(text, "Containerfile", cf, err));
    return cf;
}

std::string parse_error(const std::string& text) {
    Containerfile cf;
    std::string err;
    CHECK_FALSE(parse_containerfile(text, "Containerfile", cf, err));
    return err;
}

Recipe recipe_ok(const std::string& text, const BuildInput& in = {}) {
    Recipe r;
    std::string err;
    bool ok = read_recipe(parse_ok(text), in, r, err);
    INFO(err);
    REQUIRE(ok);
    return r;
}

std::string recipe_error(const std::string& text, const BuildInput& in = {}) {
    Recipe r;
    std::string err;
    CHECK_FALSE(read_recipe(parse_ok(text), in, r, err));
    return err;
}

std::string env_of(const Action& a, const std::string& name) {
    for (const auto& e : a.env)
        if (e.starts_with(name + "=")) return e.substr(name.size() + 1);
    return "<unset>";
}

} // namespace

TEST_CASE("containerfile: comments, continuations, flags, exec form", "[stagex]") {
    Containerfile cf = parse_ok("# syntax=docker/dockerfile:1\n"
                                "ARG V=1\n"
                                "FROM --platform=linux/386 scratch AS one\n"
                                "# a comment\n"
                                "RUN [\"/bin/x\", \"a b\", \"q\\\"\\u00e9\"]\n"
                                "RUN --network=none echo a \\\n"
                                "# dropped inside a continuation\n"
                                "    b\n"
                                "copy --from=one --chmod=755 /a /b/\n");
    REQUIRE(cf.instructions.size() == 5);
    CHECK(cf.instructions[1].flags ==
          std::vector<std::pair<std::string, std::string>>{{"platform", "linux/386"}});
    const Instruction& exec = cf.instructions[2];
    CHECK(exec.exec_form);
    CHECK(exec.args == std::vector<std::string>{"/bin/x", "a b", "q\"\xc3\xa9"});
    CHECK(exec.line == 5);
    CHECK(cf.instructions[3].text == "echo a     b");
    CHECK(cf.instructions[4].keyword == "COPY");
    CHECK(cf.instructions[4].args == std::vector<std::string>{"/a", "/b/"});
}

TEST_CASE("containerfile: here-documents", "[stagex]") {
    Containerfile cf = parse_ok("FROM scratch\n"
                                "COPY <<-EOF /k\n"
                                "\t./hex0 a b\n"
                                "  two spaces stay\n"
                                "\tEOF\n"
                                "RUN <<-'EOF'\n"
                                "\techo $HOME\n"
                                "EOF\n"
                                "RUN <<EOF\n"
                                "\tkept\n"
                                "EOF\n");
    REQUIRE(cf.instructions.size() == 4);
    const Heredoc& k = cf.instructions[1].heredocs.at(0);
    CHECK(k.delimiter == "EOF");
    CHECK(k.expand);
    CHECK(k.content == "./hex0 a b\n  two spaces stay\n");
    CHECK_FALSE(cf.instructions[2].heredocs.at(0).expand);
    CHECK(cf.instructions[2].heredocs.at(0).content == "echo $HOME\n");
    CHECK(cf.instructions[3].heredocs.at(0).content == "\tkept\n");
}

TEST_CASE("containerfile: what is outside the subset is refused with FILE:LINE", "[stagex]") {
    CHECK(
        parse_error("FROM scratch\nUSER nobody\n") ==
        "Containerfile:2: instruction 'USER' (seedboot reads FROM, ARG, ENV, WORKDIR, SHELL, RUN, "
        "COPY and ADD; anything else is refused rather than skipped)");
    CHECK(parse_error("FROM scratch\nRUN --mount=type=cache,target=/x make\n") ==
          "Containerfile:2: option '--mount=type=cache,target=/x' of RUN (seedboot reads "
          "--network=)");
    CHECK(parse_error("FROM scratch\nCOPY --link a b\n") ==
          "Containerfile:2: option '--link' of COPY (seedboot reads --from=, --chmod=)");
    CHECK(parse_error("FROM scratch\nRUN <<EOF\necho\n") ==
          "Containerfile:2: here-document <<EOF has no closing line 'EOF'");
    CHECK(parse_error("FROM scratch\nCOPY <<A <<B /x\nA\nB\n") ==
          "Containerfile:2: more than one here-document (seedboot reads one)");
    CHECK(parse_error("FROM scratch\nSHELL /bin/sh -c\n") ==
          "Containerfile:2: SHELL takes a JSON array of strings");
    CHECK(parse_error("RUN x\n") == "Containerfile:1: expected FROM (after any global ARGs)");
    CHECK(parse_error("FROM scratch\nRUN a \\\n") ==
          "Containerfile:2: a line continuation ('\\') runs into the end of the file");
    CHECK(parse_error("# escape=`\nFROM scratch\n") ==
          "Containerfile:1: parser directive '# escape=`' (seedboot reads only the default escape "
          "character '\\')");
}

TEST_CASE("expansion: BuildKit's word rules", "[stagex]") {
    Vars v = {{"A", "1"}, {"E", ""}, {"P", "/x y"}};
    std::string out, err;
    auto x = [&](const std::string& w) {
        out.clear();
        REQUIRE(expand_word(w, v, out, err));
        return out;
    };
    CHECK(x("$A-${A}") == "1-1");
    CHECK(x("${B:-def}${E:-empty}${E-unset}") == "defempty");
    CHECK(x("${A:+set}${E:+no}${E+yes}${B+no}") == "setyes");
    CHECK(x("'$A' \"$A\" \\$A") == "$A 1 $A");
    CHECK(x("\"${P}\"") == "/x y");
    CHECK(x("$") == "$");
    CHECK_FALSE(expand_word("${A%1}", v, out, err));
    CHECK(err ==
          "'${A%1}' (seedboot expands ${NAME}, ${NAME:-word} and ${NAME:+word}) in '${A%1}'");
    CHECK_FALSE(expand_word("\"open", v, out, err));
    CHECK(err == "unterminated \" quote in '\"open'");
    REQUIRE(expand_raw("a \"$A\" 'q' \\$A \\n", v, out, err));
    CHECK(out == "a \"1\" 'q' $A \\n");
}

TEST_CASE("recipe: stages, ARG, ENV, WORKDIR, SHELL and the three RUN forms", "[stagex]") {
    BuildInput in;
    in.args = {{"SRC_VERSION", "abc"}, {"SRC_SOURCE", "src-abc.tar.gz"}};
    Recipe r = recipe_ok("ARG GLOBAL=g\n"
                         "FROM scratch AS sources\n"
                         "ARG SRC_SOURCE\n"
                         "ADD fetch/${SRC_SOURCE} .\n"
                         "FROM scratch AS build\n"
                         "ARG SRC_VERSION\n"
                         "ARG GLOBAL\n"
                         "COPY --from=sources /src-${SRC_VERSION} /src\n"
                         "WORKDIR /build\n"
                         "ENV PATH=/build X=$GLOBAL\n"
                         "ENV Y=${X}y Z=$Y\n"
                         "RUN [\"/build/kaem-minimal\"]\n"
                         "SHELL [\"/bin/kaem\", \"--file\"]\n"
                         "WORKDIR sub/../steps\n"
                         "RUN pass1.kaem\n"
                         "FROM build AS derived\n"
                         "RUN <<-EOF\n"
                         "\tset -e\n"
                         "\techo $Y\n"
                         "EOF\n"
                         "FROM scratch AS unused\n"
                         "RUN never\n"
                         "FROM scratch AS package\n"
                         "COPY --from=derived /build/x /bin/\n",
                         in);
    REQUIRE(r.stages.size() == 4); // "unused" is not built: nothing needs it
    CHECK(r.stages[0].name == "sources");
    CHECK(r.stages[2].base.kind == Base::Kind::stage);
    CHECK(r.stages[2].base.name == "build");
    CHECK(r.stages[3].name == "package");
    std::vector<Action::Kind> kinds;
    for (const auto& a : r.actions) kinds.push_back(a.kind);
    using K = Action::Kind;
    CHECK(kinds == std::vector<K>{K::start, K::copy, K::start, K::copy, K::mkdir, K::run, K::mkdir,
                                  K::run, K::start, K::run, K::start, K::copy});
    const Action& add = r.actions[1];
    CHECK(add.origin.kind == Origin::Kind::fetch);
    CHECK(add.sources == std::vector<std::string>{"src-abc.tar.gz"});
    CHECK(add.dest == "/");
    CHECK(add.extract);
    CHECK(r.actions[3].origin.name == "sources");
    CHECK(r.actions[3].sources == std::vector<std::string>{"/src-abc"});
    const Action& exec = r.actions[5];
    CHECK(exec.argv == std::vector<std::string>{"/build/kaem-minimal"});
    CHECK(exec.cwd == "/build");
    CHECK(env_of(exec, "X") == "g");
    CHECK(env_of(exec, "Z") == ""); // Y was set on the same ENV line: not yet visible
    CHECK(env_of(exec, "Y") == "gy");
    CHECK(env_of(exec, "SRC_VERSION") == "abc");
    const Action& kaem = r.actions[7];
    CHECK(kaem.argv == std::vector<std::string>{"/bin/kaem", "--file", "pass1.kaem"});
    CHECK(kaem.cwd == "/build/steps");
    const Action& here = r.actions[9];
    CHECK(here.argv == std::vector<std::string>{"/bin/kaem", "--file", "set -e\necho $Y\n"});
    CHECK(env_of(here, "Y") == "gy");            // ENV is inherited by FROM build
    CHECK(env_of(here, "SRC_VERSION") == "abc"); // and so are its ARGs, as in BuildKit
    CHECK(here.cwd == "/build/steps");
    CHECK(r.actions[11].dest == "/bin/");
}

TEST_CASE("recipe: the default PATH, COPY here-documents and --chmod", "[stagex]") {
    Recipe r = recipe_ok("FROM scratch\n"
                         "ENV N=1\n"
                         "COPY --chmod=644 <<-EOF /etc/n\n"
                         "\tn=$N\n"
                         "EOF\n"
                         "COPY <<-'EOF' /etc/raw\n"
                         "\tn=$N\n"
                         "EOF\n"
                         "RUN x\n");
    CHECK(r.actions[1].origin.kind == Origin::Kind::heredoc);
    CHECK(r.actions[1].content == "n=1\n");
    CHECK(r.actions[1].chmod == "644");
    CHECK(r.actions[2].content == "n=$N\n");
    CHECK(r.actions[3].argv == std::vector<std::string>{"/bin/sh", "-c", "x"});
    CHECK(env_of(r.actions[3], "PATH") ==
          "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}

TEST_CASE("recipe: what seedboot cannot honour is refused, naming the line", "[stagex]") {
    CHECK(recipe_error("FROM alpine:3\n") ==
          "Containerfile:1: FROM alpine:3: seedboot bases a stage on scratch, an earlier stage, "
          "or stagex/bootstrap-stageN (the output of our own earlier stage)");
    CHECK(recipe_error("FROM scratch\nCOPY --from=nowhere /a /b\n") ==
          "Containerfile:2: COPY --from=nowhere (expected an earlier stage, fetch, or "
          "stagex/bootstrap-stageN)");
    CHECK(recipe_error("FROM scratch\nADD https://example.org/x.tar.gz /\n") ==
          "Containerfile:2: ADD https://example.org/x.tar.gz: no downloads during a build (fetch "
          "it first)");
    CHECK(recipe_error("FROM scratch\nCOPY --chmod=9 a b\n") ==
          "Containerfile:2: --chmod=9 (expected octal digits such as 755)");
    CHECK(recipe_error("FROM scratch\nRUN --network=host x\n") ==
          "Containerfile:2: RUN --network=host (the guest has no network: none or default)");
    CHECK(recipe_error("FROM scratch AS a\nFROM scratch AS a\n") ==
          "Containerfile:2: stage name 'a' is used twice");
}

TEST_CASE("recipe: TARGETARCH and --platform", "[stagex]") {
    BuildInput in;
    in.platform = "linux/amd64";
    Recipe r = recipe_ok("FROM --platform=linux/386 stagex/bootstrap-stage2 AS base\n"
                         "ARG TARGETARCH\n"
                         "RUN echo $TARGETARCH\n",
                         in);
    CHECK(r.stages[0].platform == "linux/386");
    CHECK(r.stages[0].base.kind == Base::Kind::image);
    CHECK(env_of(r.actions[1], "TARGETARCH") == "amd64");

    // A stage built FROM another runs on that one's platform, as BuildKit runs it.
    r = recipe_ok("FROM --platform=linux/386 stagex/bootstrap-stage2 AS base\n"
                  "FROM base AS cross\n"
                  "FROM --platform=linux/arm64 cross AS still\n"
                  "FROM scratch AS native\n"
                  "COPY --from=still / /\n",
                  in);
    CHECK(r.stages[1].platform == "linux/386");
    CHECK(r.stages[2].platform == "linux/386");
    CHECK(r.stages[3].platform == "linux/amd64");
}

namespace {

// The shape of a StageX stage 0: sources unpacked by ADD, a seeds stage, a build stage
// fed by COPY --from and a here-document, a package stage of single files.
const char* kStage0Like = "FROM scratch AS sources\n"
                          "ARG A_SOURCE\n"
                          "ADD fetch/${A_SOURCE} .\n"
                          "FROM scratch AS seeds\n"
                          "COPY --from=sources /a-1 /x86\n"
                          "ADD hex0-seed /\n"
                          "WORKDIR /build\n"
                          "RUN [\"/hex0-seed\", \"/x86/hex0.hex0\", \"hex0\"]\n"
                          "FROM scratch AS build\n"
                          "COPY --from=seeds /build/ /build/\n"
                          "WORKDIR /build\n"
                          "ENV PATH=/build\n"
                          "COPY <<-EOF kaem.x86\n"
                          "\t./hex0 a b\n"
                          "EOF\n"
                          "RUN [\"/build/kaem-minimal\"]\n"
                          "FROM scratch AS package\n"
                          "COPY --from=build /build/hex2 /bin/\n";

Compiled compile_ok(const std::string& text, const CompileInput& in, const BuildInput& b = {}) {
    Compiled c;
    std::string err;
    bool ok = compile_stagex(recipe_ok(text, b), in, c, err);
    INFO(err);
    REQUIRE(ok);
    return c;
}

} // namespace

TEST_CASE("compile: a stage-0-like recipe becomes roots, PID 1 actions and runs", "[stagex]") {
    BuildInput b;
    b.args = {{"A_SOURCE", "a-1.tar.gz"}};
    CompileInput in;
    in.seeds = {{"hex0-seed", "/seed/hex0-seed"}};
    Compiled c = compile_ok(kStage0Like, in, b);
    const seedboot::Plan& p = c.plan;
    CHECK(p.arch == "i386");
    CHECK(p.roots == std::vector<std::string>{"s-sources", "s-seeds", "s-build", "s-package"});
    CHECK(p.digest_root == "s-package");
    std::vector<std::string> names;
    for (const auto& s : p.steps) names.push_back(s.name);
    CHECK(names == std::vector<std::string>{"L1-from-sources", "L3-add", "L4-from-seeds", "L5-copy",
                                            "L6-add", "L7-workdir", "L8-run", "L9-from-build",
                                            "L10-copy", "L11-workdir", "L13-copy", "L16-run",
                                            "L17-from-package", "L18-copy"});
    CHECK(p.steps[1].from == "image");
    CHECK(p.steps[1].argv == std::vector<std::string>{"/sources/stagex/unpacked/a-1.tar.gz/", "/"});
    CHECK(p.steps[3].from == "s-sources");
    CHECK(p.steps[4].argv == std::vector<std::string>{"/seed/hex0-seed", "/"}); // the audited seed
    CHECK(p.steps[6].root == "s-seeds");
    CHECK(p.steps[6].cwd == "/build");
    CHECK(p.steps[10].argv ==
          std::vector<std::string>{"/sources/stagex/heredoc/L13/EOF", "/build/kaem.x86"});
    CHECK(p.steps[11].env.front() == "PATH=/build");
    REQUIRE(c.needs.size() == 1);
    CHECK(c.needs[0].file == "a-1.tar.gz");
    CHECK(c.needs[0].step == "L3-add");
    std::vector<std::string> files;
    for (const auto& f : c.files) files.push_back(f.image_path);
    CHECK(files == std::vector<std::string>{"/sources/stagex/fetch/a-1.tar.gz",
                                            "/sources/stagex/unpacked/a-1.tar.gz",
                                            "/sources/stagex/heredoc/L13/EOF"});
    // The plan is one the PID 1 reads back as written.
    seedboot::Plan reread;
    std::string err;
    REQUIRE(seedboot::parse_plan(seedboot::format_plan(p), "plan", reread, err));
    CHECK(seedboot::format_plan(reread) == seedboot::format_plan(p));
}

TEST_CASE("compile: UNTIL runs a prefix and needs only its files", "[stagex]") {
    const char* text = "FROM stagex/bootstrap-stage0 AS build\n"
                       "COPY --from=fetch . /external/distfiles/\n"
                       "ENV pkg=first-1.0\n"
                       "WORKDIR /steps/${pkg}\n"
                       "RUN pass1.kaem\n"
                       "ENV pkg=mes-0.27\n"
                       "WORKDIR /steps/${pkg}\n"
                       "RUN pass1.kaem\n"
                       "WORKDIR /steps\n"
                       "SHELL [\"/shell.sh\"]\n"
                       "RUN build tcc-0.9.27 pass2.sh\n";
    CompileInput in;
    in.package_files = {{"mes-0.27", {"mes-0.27.tar.gz", "nyacc.tar.gz"}},
                        {"tcc-0.9.27", {"tcc.tar.bz2"}}};
    in.all_fetch_files = {"mes-0.27.tar.gz", "nyacc.tar.gz", "tcc.tar.bz2", "unused.tar.gz"};
    Compiled whole = compile_ok(text, in);
    CHECK(whole.plan.steps[0].base == "/sources/stagex/image/bootstrap-stage0");
    CHECK(whole.plan.steps[3].name == "L5-first-1.0-pass1");
    CHECK(whole.plan.steps[5].name == "L8-mes-0.27-pass1");
    CHECK(whole.plan.steps.back().name == "L11-tcc-0.9.27-pass2");
    CHECK(whole.plan.steps[5].answers.empty()); // mes-0.27 has no answers for this ARCH
    in.package_answers = {{"mes-0.27.x86", "/sources/stagex/unpacked/lb.tar.gz/lb/steps/mes.x86"}};
    CHECK(compile_ok(text, in).plan.steps[5].answers.empty()); // its RUN has no $ARCH
    std::string with_arch =
        std::string(text).replace(0, 38, "FROM stagex/bootstrap-stage0 AS build\nENV ARCH=x86\n");
    CHECK(compile_ok(with_arch, in).plan.steps[5].answers ==
          "/sources/stagex/unpacked/lb.tar.gz/lb/steps/mes.x86");
    // Only a package's first pass is held to them: a later pass installs something else.
    CompileInput twice;
    twice.package_answers = {{"a-1.x86", "/sources/a.x86"}};
    Compiled c2 = compile_ok("FROM scratch AS build\nENV ARCH=x86\nENV pkg=a-1\n"
                             "WORKDIR /steps/a-1\nRUN pass1.kaem\nWORKDIR /steps\n"
                             "RUN build a-1 pass2.sh\n",
                             twice);
    CHECK(c2.plan.steps[2].answers == "/sources/a.x86");
    CHECK(c2.plan.steps[4].name == "L7-a-1-pass2");
    CHECK(c2.plan.steps[4].answers.empty());
    in.package_answers.clear();
    std::vector<std::string> needed;
    for (const auto& n : whole.needs) needed.push_back(n.file + "@" + n.step);
    CHECK(needed == std::vector<std::string>{
                        "mes-0.27.tar.gz@L8-mes-0.27-pass1", "nyacc.tar.gz@L8-mes-0.27-pass1",
                        "tcc.tar.bz2@L11-tcc-0.9.27-pass2", "unused.tar.gz@L2-copy"});
    in.until = "L5-first-1.0-pass1";
    Compiled prefix = compile_ok(text, in);
    CHECK(prefix.plan.steps.back().name == "L5-first-1.0-pass1");
    CHECK(prefix.needs.empty());
    in.until = "L99-nothing";
    Compiled c;
    std::string err;
    CHECK_FALSE(compile_stagex(recipe_ok(text), in, c, err));
    CHECK(err == "UNTIL=L99-nothing: Containerfile has no such step (`seedboot plan` lists them)");
}

TEST_CASE("compile: COPY --from=STAGE reads from the stage's root, whatever its WORKDIR",
          "[stagex]") {
    Compiled c = compile_ok("FROM scratch AS sources\n"
                            "WORKDIR /deep/dir\n"
                            "FROM scratch AS build\n"
                            "COPY --from=sources M2libc-1 /M2libc\n"
                            "COPY --from=sources /abs/ dir/\n",
                            {});
    CHECK(c.plan.steps[3].from == "s-sources");
    CHECK(c.plan.steps[3].argv == std::vector<std::string>{"/M2libc-1", "/M2libc"});
    CHECK(c.plan.steps[4].argv == std::vector<std::string>{"/abs/", "/dir/"});
}

TEST_CASE("compile: which guest runs a recipe's platforms", "[stagex]") {
    BuildInput amd64;
    amd64.platform = "linux/amd64";
    const char* mixed = "FROM --platform=linux/386 stagex/bootstrap-stage2 AS base\n"
                        "RUN true\n"
                        "FROM scratch AS native\n"
                        "COPY --from=base / /\n"
                        "RUN true\n";
    std::string arch, err;
    CHECK(guest_arch(recipe_ok(mixed, amd64), arch, err));
    CHECK(arch == "x86_64");
    BuildInput arm64;
    arm64.platform = "linux/arm64";
    CHECK_FALSE(guest_arch(recipe_ok(mixed, arm64), arch, err));
    // Files go one way, 386 to arm64: guests run one after another could, seedboot does not.
    CHECK(err == "Containerfile: its stages run on linux/386 (base), linux/arm64 (native): no one "
                 "guest runs them all (seedboot boots one guest per plan; i386 runs linux/386, "
                 "x86_64 runs linux/386 and linux/amd64, aarch64 runs linux/arm64)");
    // Files going back (back takes native's, which took base's) rule that out too.
    std::string both_ways = std::string(mixed) + "FROM base AS back\n"
                                                 "COPY --from=native / /\n";
    CHECK_FALSE(guest_arch(recipe_ok(both_ways, arm64), arch, err));
    CHECK(err == "Containerfile: its stages run on linux/386 (base, back), linux/arm64 (native): "
                 "no one guest runs them all (seedboot boots one guest per plan; i386 runs "
                 "linux/386, x86_64 runs linux/386 and linux/amd64, aarch64 runs linux/arm64); "
                 "nor would guests run one after another: linux/386 stage back takes files from "
                 "linux/arm64 stage native, which is built from linux/386 stage base");
}

TEST_CASE("distfiles: live-bootstrap's sources files, both spellings", "[stagex]") {
    std::vector<Distfile> d;
    std::string err;
    const std::string sha(64, 'a');
    REQUIRE(parse_sources(
        "https://x.org/a/mes-0.27.tar.gz " + sha + "\n" + "https://x.org/tcc-1147.tar.gz " + sha +
            " tcc-0.9.26.tar.gz\n" + "f https://y.org/b.tar.xz " + sha + "\n" +
            "g https://git.example/r~v https://snap.example/r.tar.gz " + sha + " r-1.tar.gz\n",
        "sources", d, err));
    REQUIRE(d.size() == 4);
    CHECK(d[0].name == "mes-0.27.tar.gz");
    CHECK(d[1].name == "tcc-0.9.26.tar.gz");
    CHECK(d[2].name == "b.tar.xz");
    CHECK(d[3].url == "https://snap.example/r.tar.gz");
    CHECK(d[3].name == "r-1.tar.gz");
    CHECK_FALSE(parse_sources("https://x.org/a.tar.gz nothex\n", "steps/a/sources", d, err));
    CHECK(err == "steps/a/sources:1: 'https://x.org/a.tar.gz nothex' (expected [f] URL SHA256 "
                 "[NAME] or g GIT URL SHA256 [NAME])");
}
