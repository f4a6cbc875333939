// The console protocol: the PID 1's guard on step output, the result line, and
// the host's watcher that reads the console in arbitrary chunks.
#include "init/console/result_guard.hpp"
#include "qemu/console_watch.hpp"

#include "libseedboot/format/journal.hpp"

#include <catch2/catch.hpp>
#include <random>

namespace {

// Feeds `text` through a guard in chunks of `size` bytes, then ends the step.
std::string guarded(std::string_view text, size_t size) {
    init::ResultGuard g;
    std::string out;
    for (size_t i = 0; i < text.size(); i += size) out += g.feed(text.substr(i, size));
    return out + g.finish();
}

} // namespace

TEST_CASE("every line of a step's output is marked, however it is cut", "[console]") {
    const std::string step =
        "building\nSEEDBOOT-RESULT: ok\nSEEDBOOT-RESULT: fail step=x status=1\n";
    const std::string want =
        "> building\n> SEEDBOOT-RESULT: ok\n> SEEDBOOT-RESULT: fail step=x status=1\n";
    for (size_t size : {1, 2, 5, 16, 17, 18, 1000}) CHECK(guarded(step, size) == want);
}

TEST_CASE("control bytes are shown as '?'; an unfinished last line is ended", "[console]") {
    CHECK(guarded("a\rSEEDBOOT-RESULT: ok\n", 3) == "> a?SEEDBOOT-RESULT: ok\n");
    CHECK(guarded("\x1b[2K\tx\x7f\n", 2) == "> ?[2K\tx?\n");
    CHECK(guarded("no newline", 4) == "> no newline\n");
    CHECK(guarded("\n\n", 1) == "> \n> \n");
    CHECK(guarded("", 1).empty());
    CHECK(guarded("\xc3\xa9t\xc3\xa9\n", 1) == "> \xc3\xa9t\xc3\xa9\n"); // UTF-8 passes
}

TEST_CASE("a line the PID 1 cuts to speak goes on marked after it", "[console]") {
    init::ResultGuard g;
    std::string console = g.feed("x");
    console += g.finish() + "seedboot: kernel: [   25.720000] Out of memory: Killed process 9\n";
    console += g.feed("SEEDBOOT-RESULT: ok\n");
    console += g.finish(); // at a line start: nothing to end
    CHECK(console == "> x\nseedboot: kernel: [   25.720000] Out of memory: Killed process 9\n"
                     "> SEEDBOOT-RESULT: ok\n");
    qemu::ConsoleWatch w;
    w.feed(console);
    CHECK(w.result_line.empty());
}

TEST_CASE("no step output, however odd or interrupted, reads as a result line on the host",
          "[console]") {
    std::mt19937 rng(7);
    const std::string alphabet = "SEDBOT-RUL: okfaistep=u1\n\r";
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        for (int i = 0, n = int(rng() % 200); i < n; ++i) text += alphabet[rng() % alphabet.size()];
        if (round % 3 == 0) text = "SEEDBOOT-RESULT: ok\n" + text;
        init::ResultGuard g;
        std::string console;
        for (size_t i = 0; i < text.size();) {
            size_t size = 1 + rng() % 20;
            console += g.feed(std::string_view(text).substr(i, size));
            if (rng() % 4 == 0) console += g.finish() + "seedboot: kernel: message\n";
            i += size;
        }
        console += g.finish();
        qemu::ConsoleWatch w;
        w.feed(console);
        INFO(text);
        CHECK(w.result_line.empty());
    }
}

TEST_CASE("the watcher keeps the last result line, across chunks and CRLF", "[console]") {
    qemu::ConsoleWatch w;
    w.cut_after = "catm end";
    std::string console =
        "boot\r\nSEEDBOOT-RESULT: fail step=a status=1\r\nseedboot: [2/5] catm end "
        "status=0\r\nSEEDBOOT-RESULT: ok\r\n";
    for (char c : console) w.feed(std::string_view(&c, 1));
    CHECK(w.result_line == "SEEDBOOT-RESULT: ok");
    CHECK(w.cut);
}

TEST_CASE("result lines are read exactly as the PID 1 writes them", "[console]") {
    seedboot::ResultLine r;
    std::string err;
    REQUIRE(seedboot::parse_result_line("SEEDBOOT-RESULT: ok", r, err));
    CHECK(r.ok);
    REQUIRE(seedboot::parse_result_line(seedboot::result_line_fail("seed-audit", 124), r, err));
    CHECK((!r.ok && r.step == "seed-audit" && r.status == 124));
    for (const char* bad :
         {"SEEDBOOT-RESULT: ok ", "SEEDBOOT-RESULT: OK", "SEEDBOOT-RESULT: fail step=x status=0",
          "SEEDBOOT-RESULT: fail step=x status=256", "SEEDBOOT-RESULT: fail step=x status=01",
          "SEEDBOOT-RESULT: fail  step=x status=1", "SEEDBOOT-RESULT: fail step=a/b status=1",
          "SEEDBOOT-RESULT: fail status=1 step=x", "SEEDBOOT-RESULT: fail step= status=1",
          "SEEDBOOT-RESULT:"}) {
        INFO(bad);
        CHECK_FALSE(seedboot::parse_result_line(bad, r, err));
    }
    CHECK_FALSE(seedboot::parse_result_line("SEEDBOOT-RESULT: maybe", r, err));
    CHECK(err == "result line 'SEEDBOOT-RESULT: maybe' (expected 'SEEDBOOT-RESULT: ok' or "
                 "'SEEDBOOT-RESULT: fail step=NAME status=N')");
}
