// The console the host shows: SeaBIOS's terminal resets and screen clears are
// taken out wherever the pipe cuts them, and everything else passes as it came.
#include "qemu/console_filter.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

// What SeaBIOS 1.16 wrote on a machine without a display (console.log of a run).
const std::string kSeaBios = "\x1b"
                             "c\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2)\r\n"
                             "Booting from ROM..\x1b"
                             "c\x1b[?7l\x1b[2J[    0.024000] kernel\r\n";
const std::string kClean =
    "SeaBIOS (version 1.16.2)\r\nBooting from ROM..[    0.024000] kernel\r\n";

} // namespace

TEST_CASE("console filter: SeaBIOS's control sequences go, cut at any byte", "[console]") {
    for (size_t cut = 0; cut <= kSeaBios.size(); ++cut) {
        qemu::ConsoleFilter f;
        std::string out = f.feed(std::string_view(kSeaBios).substr(0, cut));
        out += f.feed(std::string_view(kSeaBios).substr(cut));
        INFO("cut at " << cut);
        CHECK(out == kClean);
    }
}

TEST_CASE("console filter: text, tabs, UTF-8 and the result line pass unchanged", "[console]") {
    qemu::ConsoleFilter f;
    std::string text = "step\tline \xc3\xa9\r\nSEEDBOOT-RESULT: ok\r\n[1] [x] brackets\n";
    CHECK(f.feed(text) == text);
}

TEST_CASE("console filter: titles ended by BEL or ESC \\ are removed whole", "[console]") {
    qemu::ConsoleFilter f;
    CHECK(f.feed("a\x1b]0;title\x07"
                 "b\x1b]2;t\x1b\\c") == "abc");
}
