// /result's one writer and one parser (libseedboot/format/result.hpp): what is written reads
// back the same, the PID 1's texts read as before, and each wrong line is refused by number.
#include "libseedboot/format/result.hpp"

#include <catch2/catch.hpp>

using seedboot::RunResult;

namespace {

const std::string kSha(64, 'a');
const std::string kOtherSha(64, 'b');

RunResult ok_run() {
    return RunResult{.arch = "i386",
                     .ok = true,
                     .tree_root = "s-package",
                     .tree_sha256 = kSha,
                     .tree_entries = 21,
                     .steps = {{"hello", 0, 225800}, {"binutils", 0, 7200000}},
                     .outputs = {{kSha, "/out/a"}, {kOtherSha, "s-build:/usr/bin/first"}}};
}

std::string refusal(const std::string& text) {
    RunResult r;
    std::string err;
    REQUIRE_FALSE(seedboot::parse_result(text, "/result", r, err));
    return err;
}

} // namespace

TEST_CASE("result: an ok run and a failed one read back the same", "[format]") {
    for (RunResult want : {ok_run(), RunResult{.arch = "x86_64",
                                     .failed_step = "victim",
                                     .status = 1,
                                     .disk_full = true,
                                     .steps = {{"attack", 0, 10}}}}) {
        std::string text, err;
        REQUIRE(seedboot::format_result(want, text, err));
        RunResult got;
        REQUIRE(seedboot::parse_result(text, "/result", got, err));
        CHECK(got.arch == want.arch);
        CHECK(got.ok == want.ok);
        CHECK(got.failed_step == want.failed_step);
        CHECK(got.status == want.status);
        CHECK(got.disk_full == want.disk_full);
        CHECK((got.tree_root == want.tree_root && got.tree_sha256 == want.tree_sha256 &&
               got.tree_entries == want.tree_entries));
        REQUIRE(got.steps.size() == want.steps.size());
        for (size_t i = 0; i < got.steps.size(); ++i)
            CHECK((got.steps[i].name == want.steps[i].name &&
                   got.steps[i].status == want.steps[i].status &&
                   got.steps[i].millis == want.steps[i].millis));
        REQUIRE(got.outputs.size() == want.outputs.size());
        for (size_t i = 0; i < got.outputs.size(); ++i)
            CHECK((got.outputs[i].sha256 == want.outputs[i].sha256 &&
                   got.outputs[i].path == want.outputs[i].path));
        std::string again;
        REQUIRE(seedboot::format_result(got, again, err));
        CHECK(again == text);
    }
}

TEST_CASE("result: the text the PID 1 writes, line by line", "[format]") {
    std::string text, err;
    REQUIRE(seedboot::format_result(ok_run(), text, err));
    CHECK(text == "seedboot-result 1\narch i386\nresult ok\ntree s-package " + kSha +
                      " 21\nstep hello status=0 ms=225800\nstep binutils status=0 ms=7200000\n"
                      "output " +
                      kSha + " /out/a\noutput " + kOtherSha + " s-build:/usr/bin/first\n");
    RunResult failed{.arch = "x86_64", .failed_step = "answers", .status = 1, .disk_full = true};
    REQUIRE(seedboot::format_result(failed, text, err));
    CHECK(text == "seedboot-result 1\narch x86_64\nresult fail step=answers status=1\n"
                  "cause work-partition-full\n");
    CHECK(seedboot::result_line(failed) == "result fail step=answers status=1");
}

TEST_CASE("result: the writer refuses what would not read back", "[format]") {
    std::string text, err;
    auto refused = [&](RunResult r) {
        CHECK_FALSE(seedboot::format_result(r, text, err));
        return err;
    };
    RunResult r = ok_run();
    r.steps[0].name = "two words";
    CHECK(refused(r) == "/result: step 'two words' is not a clean name");
    r = ok_run();
    r.outputs[1].path = "/out/a";
    CHECK(refused(r) == "/result: output /out/a is out of path order");
    r = ok_run();
    r.outputs[0].path = "relative";
    CHECK(refused(r) ==
          "/result: output '" + kSha +
              " relative' (expected a sha256 and a clean absolute path, or ROOT:PATH)");
    r = ok_run();
    r.disk_full = true;
    CHECK(refused(r) == "/result: a cause on a result that is ok");
    r = ok_run();
    r.ok = false;
    r.failed_step = "hello";
    CHECK_THAT(refused(r), Catch::StartsWith("/result: tree 's-package "));
    CHECK(refused(RunResult{.arch = "i386", .failed_step = ""}) ==
          "/result: failed step '' is not a clean name");
}

TEST_CASE("result: the parser names the line and what it expected", "[format]") {
    const std::string head = "seedboot-result 1\narch i386\n";
    CHECK(refusal("") == "/result: no first line (expected 'seedboot-result 1')");
    CHECK(refusal("seedboot-result 1\n") == "/result: no arch line (expected 'arch ARCH')");
    CHECK(refusal(head) ==
          "/result: no result line (expected 'result ok' or 'result fail step=NAME status=N')");
    CHECK(refusal(head + "result ok") ==
          "/result: its last line has no end (expected whole lines)");
    CHECK(refusal("seedboot-result 2\narch i386\nresult ok\n") ==
          "/result:1: 'seedboot-result 2': expected 'seedboot-result 1' (format 1)");
    CHECK(refusal("seedboot-result 1\narch\nresult ok\n") ==
          "/result:2: 'arch': expected 'arch ARCH'");
    CHECK(refusal(head + "result fail step=x status=-1\n") ==
          "/result:3: 'result fail step=x status=-1': expected 'result ok' or 'result fail "
          "step=NAME status=N'");
    const std::string order = "expected, in this order: [cause work-partition-full] (fail "
                              "only), [tree ROOT SHA256 ENTRIES] (ok only), step NAME status=N "
                              "ms=N..., output SHA256 [ROOT:]PATH... (in path order)";
    // A cause on an ok result, a tree on a failed one, a step after an output, a short sha.
    CHECK(refusal(head + "result ok\ncause work-partition-full\n") ==
          "/result:4: 'cause work-partition-full': " + order);
    CHECK(refusal(head + "result fail step=x status=1\ntree r " + kSha + " 1\n") ==
          "/result:4: 'tree r " + kSha + " 1': " + order);
    CHECK(refusal(head + "result ok\noutput " + kSha + " /a\nstep x status=0 ms=1\n") ==
          "/result:5: 'step x status=0 ms=1': " + order);
    CHECK(refusal(head + "result ok\noutput abc /a\n") == "/result:4: 'output abc /a': " + order);
    CHECK(refusal(head + "result ok\n\n") == "/result:4: '': an empty line");
}
