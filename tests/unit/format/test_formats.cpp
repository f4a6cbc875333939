// The line formats the PID 1 reads: plan, manifest, answers, journal.
#include "libseedboot/format/answers.hpp"
#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/manifest.hpp"
#include "libseedboot/format/plan.hpp"
#include "libseedboot/format/text.hpp"
#include "libseedboot/platform.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <catch2/catch.hpp>

using namespace seedboot;

namespace {

const char* kPlan =
    "seedboot-plan 2\n"
    "arch x86_64\n"
    "epoch 7\n"
    "env PATH=/bin\n"
    "mkdir /bin\n"
    "bind /seed /seed\n"
    "copy /sources/tree /\n"
    "answers /x.answers\n"
    "step first timeout=60 cwd=/ out=/bin/a,/bin/b lines=12 -- /seed/hex0-seed in out\n"
    "step second timeout=5 cwd=/tmp answers=/s.answers -- /bin/a\n";

std::string plan_error(const std::string& body) {
    Plan p;
    std::string err;
    CHECK_FALSE(parse_plan("seedboot-plan 2\narch i386\n" + body, "/plan", p, err));
    return err;
}

} // namespace

TEST_CASE("a plan parses and formats back to the same text", "[plan]") {
    Plan p;
    std::string err;
    REQUIRE(parse_plan(kPlan, "/plan", p, err));
    CHECK(p.arch == "x86_64");
    CHECK(p.epoch == 7);
    REQUIRE(p.steps.size() == 2);
    CHECK(p.steps[0].outputs == std::vector<std::string>{"/bin/a", "/bin/b"});
    CHECK(p.steps[0].expect_lines == 12);
    CHECK(p.steps[0].argv == std::vector<std::string>{"/seed/hex0-seed", "in", "out"});
    CHECK(p.steps[1].cwd == "/tmp");
    CHECK(p.binds.size() == 1);
    CHECK(p.copies[0].to == "/");
    CHECK(format_plan(p) == kPlan);
}

TEST_CASE("a plan with build roots, PID 1 actions and escaped words", "[plan]") {
    const std::string text =
        "seedboot-plan 2\n"
        "arch i386\n"
        "epoch 1\n"
        "root sources\n"
        "root package\n"
        "digest package\n"
        "step s1 do=start root=sources\n"
        "step s2 do=copy root=sources from=image -- /sources/stagex/unpacked/a.tar.gz/ /\n"
        "step s3 do=start root=package base=sources\n"
        "step s4 do=mkdir root=package -- /build\n"
        "step s5 root=package timeout=60 cwd=/build env=PATH=/build env=X=a%20b%25 -- "
        "/bin/sh -c set%20-e%0Aecho%20$X%0A\n"
        "step s6 do=copy root=package from=sources chmod=755 -- /a%20b /bin/\n";
    Plan p;
    std::string err;
    REQUIRE(parse_plan(text, "/plan", p, err));
    CHECK(p.roots == std::vector<std::string>{"sources", "package"});
    CHECK(p.digest_root == "package");
    CHECK(p.steps[0].action == StepAction::start);
    CHECK(p.steps[1].from == "image");
    CHECK(p.steps[2].base == "sources");
    CHECK(p.steps[4].env == std::vector<std::string>{"PATH=/build", "X=a b%"});
    CHECK(p.steps[4].argv == std::vector<std::string>{"/bin/sh", "-c", "set -e\necho $X\n"});
    CHECK(p.steps[5].chmod == 0755);
    CHECK(p.steps[5].argv == std::vector<std::string>{"/a b", "/bin/"});
    CHECK(format_plan(p) == text);
    auto bad = [&](const std::string& body) {
        CHECK_FALSE(parse_plan("seedboot-plan 2\narch i386\nroot r\n" + body, "/plan", p, err));
        return err;
    };
    CHECK(bad("step a root=nowhere timeout=5 -- /x\n") ==
          "/plan:4: step 'a' works in root 'nowhere', which no root line names");
    CHECK(bad("step a do=copy root=r from=elsewhere -- /a /b\n") ==
          "/plan:4: step 'a' copies from 'elsewhere' (expected a root name or image)");
    CHECK(bad("step a do=copy root=r from=image -- /a\n") ==
          "/plan:4: step 'a' (do=copy) takes SOURCE... DESTINATION");
    CHECK(
        bad("step a do=mkdir root=r -- rel\n") ==
        "/plan:4: folder 'rel' is not a clean absolute path (expected /a/b, no '.', '..', spaces)");
    CHECK(bad("step a do=start root=r base=ghost\n") ==
          "/plan:4: step 'a' starts from root 'ghost', which no root line names");
    CHECK(bad("step a do=fly -- /x\n") == "/plan:4: do 'fly' (expected run, start, mkdir or copy)");
    CHECK(bad("step a timeout=5 -- /x %zz\n") ==
          "/plan:4: word '%zz' is not %-escaped text (expected %XX for spaces, '%' and control "
          "bytes)");
    CHECK(bad("step a do=copy root=r from=image chmod=99 -- /a /b\n") ==
          "/plan:4: chmod '99' is not an octal mode such as 755");
    CHECK(bad("root r\n") == "/plan:4: root 'r' is named twice");
    // Found by fuzz_plan: a cwd= the writer would drop, so the plan would not read back the same.
    CHECK(bad("step a do=copy root=r from=image cwd=/x -- /a /b\n") ==
          "/plan:4: step 'a' (do=copy) takes no cwd= (only a step that runs a program has a "
          "working folder)");
    CHECK(bad("digest ghost\n") == "/plan:4: digest names root 'ghost', which no root line names");
}

TEST_CASE("plan errors name the line and what was expected", "[plan]") {
    CHECK(plan_error("step a -- /x\n") == "/plan:3: step 'a' has no timeout=SECONDS");
    CHECK(plan_error("step a timeout=0 -- /x\n") ==
          "/plan:3: timeout '0' is not a number of seconds from 1 to 2592000");
    CHECK(plan_error("step a timeout=5\n") == "/plan:3: step 'a' has no '-- PROGRAM ARGS...'");
    CHECK(plan_error("step a timeout=5 --\n") == "/plan:3: step 'a' names no program after '--'");
    CHECK(plan_error("step a timeout=5 -- /x\nstep a timeout=5 -- /y\n") ==
          "/plan:4: step name 'a' is used twice");
    CHECK(plan_error("step a/b timeout=5 -- /x\n") ==
          "/plan:3: step needs a name of [A-Za-z0-9._+-] (1..64 characters)");
    CHECK(plan_error("frobnicate\n") == "/plan:3: unknown instruction 'frobnicate' (expected arch, "
                                        "epoch, env, mkdir, bind, copy, answers, root, digest or "
                                        "step)");
    CHECK(plan_error("copy /a/../b /c\n") == "/plan:3: source '/a/../b' is not a clean absolute "
                                             "path (expected /a/b, no '.', '..', spaces)");
    CHECK(plan_error("step a timeout=5 speed=9 -- /x\n") ==
          "/plan:3: unknown step option 'speed' (expected do, root, timeout, cwd, env, out, "
          "answers, lines, base, from or chmod)");
    Plan p;
    std::string err;
    CHECK_FALSE(parse_plan("", "/plan", p, err));
    CHECK(err == "/plan:0: empty plan (expected the header 'seedboot-plan 2')");
    CHECK_FALSE(parse_plan("seedboot-plan 1\n", "/plan", p, err));
    CHECK(err == "/plan:1: expected the header 'seedboot-plan 2'");
    CHECK_FALSE(parse_plan("seedboot-plan 2\narch sparc\n", "/plan", p, err));
    CHECK(err == "/plan:2: arch 'sparc' (expected " + std::string(seedboot::kArchNames) + ")");
}

// The plan parser spells the arch names out (its code goes into every image as the PID 1's);
// this holds it to the arch table.
TEST_CASE("the plan knows exactly the arches of the arch table", "[plan]") {
    for (const seedboot::Arch& a : seedboot::kArches) CHECK(is_known_arch(a.name));
    for (const char* other : {"", "sparc", "x86-64", "i686", "arm64", "aarch64 "})
        CHECK_FALSE(is_known_arch(other));
}

TEST_CASE("a manifest round-trips and refuses disorder and bad fields", "[manifest]") {
    std::string sha = sha256_hex("abc");
    std::string text = "seedboot-manifest 1\n"
                       "d 755 0 - /seed\n"
                       "f 755 3 " +
                       sha +
                       " /seed/a\n"
                       "l 777 1 " +
                       sha256_hex("a") + " /seed/b\n";
    Manifest m;
    std::string err;
    REQUIRE(parse_manifest(text, "/manifest", m, err));
    REQUIRE(m.size() == 3);
    CHECK(m[1].sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(format_manifest(m) == text);

    auto bad = [&](const std::string& line) {
        CHECK_FALSE(parse_manifest("seedboot-manifest 1\n" + line, "/manifest", m, err));
        return err;
    };
    CHECK(bad("f 755 3 " + sha + " /b\nf 755 3 " + sha + " /a\n") ==
          "/manifest:3: '/a' is out of order or repeated (expected sorted, unique paths)");
    CHECK(bad("f 799 3 " + sha + " /a\n") ==
          "/manifest:2: mode '799' (expected octal permission bits)");
    CHECK(bad("f 755 3 XYZ /a\n") == "/manifest:2: hash 'XYZ' (expected 64 lower-case hex digits)");
    CHECK(bad("x 755 3 " + sha + " /a\n") == "/manifest:2: type 'x' (expected f, d or l)");
    CHECK(bad("f 755 3 " + sha + "\n") == "/manifest:2: expected 'TYPE MODE SIZE SHA256 PATH'");
}

TEST_CASE("answers files in sha256sum format, as stage0-posix writes them", "[answers]") {
    std::string sha = sha256_hex("x");
    std::vector<Answer> a;
    std::string err;
    REQUIRE(parse_answers(sha + "  ./AMD64/bin/hex2\r\n" + sha + " *bin/M1\n# note\n\n",
                          "amd64.answers", a, err));
    REQUIRE(a.size() == 2);
    CHECK(a[0].path == "/AMD64/bin/hex2");
    CHECK(a[1].path == "/bin/M1");
    CHECK_FALSE(parse_answers(sha + "  ../etc/passwd\n", "f", a, err));
    CHECK(err == "f:1: path '../etc/passwd' is not clean (no '..', no spaces)");
    CHECK_FALSE(parse_answers("1234  bin/x\n", "f", a, err));
    CHECK(err == "f:1: expected '<64 lower-case hex digits>  <path>'");
}

TEST_CASE("an answers path that names the build tree itself is refused", "[answers]") {
    std::string sha = sha256_hex("x");
    std::vector<Answer> a;
    std::string err;
    // Errors quote the path as written, without sha256sum's binary-mode '*'; the last line
    // need not end in a newline (tests/fuzz/regressions/answers/).
    for (const std::string& line : {sha + "  ./\n", sha + " *./\n", sha + " *./"}) {
        INFO(line);
        CHECK_FALSE(parse_answers("# built tree\n" + line, "x86.answers", a, err));
        CHECK(err == "x86.answers:2: path './' names no file");
    }
    CHECK_FALSE(parse_answers(sha + "  /\n", "x86.answers", a, err));
    CHECK(err == "x86.answers:1: path '/' names no file");
    CHECK_FALSE(parse_answers(sha + " *./a/../b\n", "x86.answers", a, err));
    CHECK(err == "x86.answers:1: path './a/../b' is not clean (no '..', no spaces)");
}

namespace {
const std::string kSha(64, 'a');
LayerLine layer_of(uint64_t entries) {
    return {kSha, entries, std::string(64, 'b'), false};
}
} // namespace

TEST_CASE("the journal ignores a line cut off by a power loss", "[journal]") {
    Journal j;
    std::string err;
    std::string text = journal_header() + journal_layout(layer_of(3)) + journal_begin(0, "a") +
                       journal_done(0, "a", 0, 10, layer_of(2)) + journal_begin(1, "b");
    std::string cut = journal_done(1, "b", 0, 1);
    REQUIRE(parse_journal(text + cut.substr(0, cut.size() - 1), "/work/state", j, err));
    CHECK(j.format == 3);
    CHECK(j.laid_out);
    CHECK(j.layout_layer == kSha);
    CHECK(j.layout_entries == 3);
    CHECK(j.finished("a"));
    CHECK(j.done_event("a")->layer == kSha);
    CHECK(j.done_event("a")->layer_entries == 2);
    CHECK_FALSE(j.done_event("a")->cached);
    CHECK_FALSE(j.finished("b"));
    CHECK(j.trusted_bytes == text.size()); // the cut line is not trusted
    CHECK(j.damaged_line == 0);            // nor is it damage
    CHECK(j.unfinished("b"));              // cut off: its last event is "begin"
    CHECK_FALSE(j.unfinished("a"));
    CHECK_FALSE(j.unfinished("never-ran"));
    // A failed step is not finished, even if it ran, and commits no layer.
    REQUIRE(parse_journal(journal_header() + journal_begin(0, "a") + journal_done(0, "a", 2, 5),
                          "s", j, err));
    CHECK_FALSE(j.finished("a"));
    CHECK(j.unfinished("a"));
    CHECK(j.done_event("a")->layer == "-");
}

TEST_CASE("format 3 journal lines carry their layers", "[journal]") {
    LayerLine cached = layer_of(4);
    cached.cached = true;
    std::string body = "done 3 x 0 7 cached " + kSha + " 4 " + std::string(64, 'b');
    CHECK(journal_done(3, "x", 0, 7, cached) == body + " " + journal_check(body) + "\n");
    std::string fl = "flatten 5 s-build " + kSha + " 9";
    CHECK(journal_flatten(5, "s-build", layer_of(9)) == fl + " " + journal_check(fl) + "\n");
    Journal j;
    std::string err;
    REQUIRE(parse_journal(journal_header() + journal_flatten(5, "s-build", layer_of(9)) +
                              journal_begin(5, "x") + journal_done(5, "x", 0, 7, cached),
                          "s", j, err));
    REQUIRE(j.events.size() == 3);
    CHECK(j.events[0].kind == "flatten");
    CHECK(j.events[0].root == "s-build");
    CHECK(j.events[0].layer_entries == 9);
    CHECK(j.done_event("x")->cached);
    CHECK(j.finished("x")); // a flatten event does not hide a step's own events
    // A layer field that is not a digest, or a failed step with a layer, is damage.
    for (std::string bad :
         std::vector<std::string>{"done 1 y 0 5 run nope 1 -", "done 1 y 1 5 run " + kSha + " 1 -",
                                  "done 1 y 0 5 walk - 0 -", "done 1 y 0 5 run - 3 -"}) {
        REQUIRE(
            parse_journal(journal_header() + bad + " " + journal_check(bad) + "\n", "s", j, err));
        CHECK(j.damaged_line == 2);
    }
}

TEST_CASE("every journal line carries its CRC-32", "[journal]") {
    CHECK(journal_header() == "seedboot-journal 3 " + journal_check("seedboot-journal 3") + "\n");
    // zlib's CRC-32 of "layout", as `python3 -c 'import zlib; print(hex(zlib.crc32(b"layout")))'`.
    CHECK(journal_layout_v(2) == "layout 3a3a6be2\n");
    CHECK(journal_check("") == "00000000");
    CHECK(journal_begin(2, "join-hello") ==
          "begin 2 join-hello " + journal_check("begin 2 join-hello") + "\n");
    CHECK(journal_done_v(2, "x", 0, 7, 1) == "done 2 x 0 7\n"); // format 1: no check
}

TEST_CASE("the first damaged journal line ends what is trusted", "[journal]") {
    std::string head = journal_header() + journal_layout(layer_of(1)) + journal_begin(0, "a") +
                       journal_done(0, "a", 0, 10) + journal_begin(1, "b");
    std::string done_b = journal_done(1, "b", 0, 20);
    std::string tail = journal_begin(2, "c") + journal_done(2, "c", 0, 30);
    Journal j;
    std::string err;
    SECTION("two bytes changed inside a line") {
        std::string bad = done_b;
        bad[5] = 'X';
        bad[6] = 'Y';
        REQUIRE(parse_journal(head + bad + tail, "/work/state", j, err));
        CHECK(j.damaged_line == 6);
        CHECK(j.damage == "its check fails");
        CHECK(j.untrusted_lines == 3);
        CHECK(j.trusted_bytes == head.size());
        CHECK_FALSE(j.finished("b"));
        CHECK(j.unfinished("b"));
        CHECK_FALSE(j.finished("c")); // intact, but after the damage
        CHECK(j.events.size() == 3);
        CHECK(j.damage_report("/work/state") ==
              "line 6 of /work/state is damaged (its check fails): '" +
                  bad.substr(0, bad.size() - 1) +
                  "'; it and the 2 line(s) after it are not trusted");
    }
    SECTION("a line without its check") {
        REQUIRE(parse_journal(head + "done 1 b 0 20 run - 0 -\n" + tail, "/work/state", j, err));
        CHECK(j.damaged_line == 6);
        CHECK(j.damage == "it has no check");
    }
    SECTION("control bytes are not shown as they are") {
        REQUIRE(parse_journal(head + "\x1b[2J\x01 12345678\n", "/work/state", j, err));
        CHECK(j.damaged_text == "?[2J? 12345678");
    }
    SECTION("a damaged format line: nothing is trusted") {
        std::string text = head + done_b;
        text[3] = 'X';
        REQUIRE(parse_journal(text, "/work/state", j, err));
        CHECK(j.format == 2);
        CHECK(j.damaged_line == 1);
        CHECK(j.trusted_bytes == 0);
        CHECK_FALSE(j.laid_out);
        CHECK(j.events.empty());
    }
    SECTION("an intact line that is no event") {
        std::string odd = "hello 1 " + journal_check("hello 1") + "\n";
        REQUIRE(parse_journal(head + odd + done_b, "/work/state", j, err));
        CHECK(j.damaged_line == 6);
        CHECK(j.damage == "not a layout, begin, done or flatten line of format 3");
    }
}

TEST_CASE("journals of formats 1 and 2 are read as before", "[journal]") {
    Journal j;
    std::string err;
    std::string text = "layout\nbegin 0 a\ndone 0 a 0 10\nbegin 1 b\ndone 1 b";
    REQUIRE(parse_journal(text, "/work/state", j, err));
    CHECK(j.format == 1);
    CHECK(j.laid_out);
    CHECK(j.finished("a"));
    CHECK(j.unfinished("b"));
    CHECK(j.trusted_bytes == text.size() - std::string("done 1 b").size());
    // Format 1 lines carry no check: an unreadable one is an error, as it always was.
    CHECK_FALSE(parse_journal("layout\ndone x\n", "/work/state", j, err));
    CHECK(err == "/work/state:2: unreadable journal line (expected layout, begin or done)");
    std::string v2 = journal_header_v(2) + journal_layout_v(2) + journal_begin_v(0, "a", 2) +
                     journal_done_v(0, "a", 0, 10, 2);
    REQUIRE(parse_journal(v2, "/work/state", j, err));
    CHECK(j.format == 2);
    CHECK(j.finished("a"));
    CHECK(j.done_event("a")->layer == "-");
    // A newer format is refused, not taken for damage.
    CHECK_FALSE(parse_journal(journal_header_v(4), "/work/state", j, err));
    CHECK(err == "/work/state:1: journal format 4 is newer than this seedboot reads (expected 1, "
                 "2 or 3)");
}

TEST_CASE("the result line is the console protocol's last word", "[journal]") {
    CHECK(result_line_ok() == "SEEDBOOT-RESULT: ok");
    CHECK(result_line_fail("catm", 3) == "SEEDBOOT-RESULT: fail step=catm status=3");
}

TEST_CASE("clean paths and names", "[text]") {
    CHECK(is_clean_abs_path("/"));
    CHECK(is_clean_abs_path("/a/b.c"));
    for (const char* bad : {"", "a", "/a/", "//a", "/a/./b", "/a/../b", "/a b", "/a\tb", "/\x7f"})
        CHECK_FALSE(is_clean_abs_path(bad));
    CHECK(is_clean_name("gcc-4.7.4+x_1"));
    CHECK_FALSE(is_clean_name(".."));
    CHECK_FALSE(is_clean_name(std::string(65, 'a')));
    uint64_t v = 0;
    CHECK(parse_u64("18446744073709551615", v));
    CHECK_FALSE(parse_u64("18446744073709551616", v));
    CHECK_FALSE(parse_u64("-1", v));
}

TEST_CASE("manifest paths with spaces and odd bytes are escaped", "[manifest]") {
    CHECK(encode_path("/a b/100%/\x01\xff") == "/a%20b/100%25/%01%FF");
    std::string back;
    REQUIRE(decode_path("/a%20b/100%25/%01%ff", back));
    CHECK(back == "/a b/100%/\x01\xff");
    CHECK_FALSE(decode_path("/a%2", back));
    CHECK_FALSE(decode_path("/a%zz", back));
    CHECK_FALSE(decode_path("/a/%2E%2E", back)); // ".." stays refused however it is written
    Manifest m{{'f', 0644, 1, sha256_hex("x"), "/High Level Prototypes/x.c"}};
    Manifest again;
    std::string err;
    REQUIRE(parse_manifest(format_manifest(m), "/manifest", again, err));
    CHECK(again[0].path == "/High Level Prototypes/x.c");
}
