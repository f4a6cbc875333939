// The PID 1's screen: which console is a VT, and the result line on the screen next to the
// byte-exact one on the serial console.
#include "init/console/console.hpp"
#include "init/console/screen.hpp"
#include "qemu/console_watch.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <unistd.h>

namespace {

// Everything written to `fd` until it is closed.
std::string drain(int fd) {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
}

// Runs `write` with fd 1 on a pipe, and the screen on another one if `screen`; returns what
// each received.
template <typename F> std::pair<std::string, std::string> captured(F write, bool with_screen) {
    int console[2], screen[2];
    REQUIRE(::pipe(console) == 0);
    REQUIRE(::pipe(screen) == 0);
    int saved = ::dup(1);
    ::dup2(console[1], 1);
    ::close(console[1]);
    if (with_screen)
        init::use_screen(init::ScreenKind::beside, screen[1]);
    else
        ::close(screen[1]);
    write();
    init::use_screen(init::ScreenKind::none); // closes screen[1]
    ::dup2(saved, 1);
    ::close(saved);
    std::pair<std::string, std::string> out{drain(console[0]), drain(screen[0])};
    ::close(console[0]);
    ::close(screen[0]);
    return out;
}

} // namespace

TEST_CASE("/dev/console is a VT only when a VT is the last active console", "[screen]") {
    CHECK_FALSE(init::console_is_vt("tty0 ttyS0\n"));
    CHECK_FALSE(init::console_is_vt("tty0 ttyAMA0\n"));
    CHECK(init::console_is_vt("ttyS0 tty0\n"));
    CHECK(init::console_is_vt("tty1\n"));
    CHECK_FALSE(init::console_is_vt("ttyS0\n"));
    CHECK_FALSE(init::console_is_vt(""));
    CHECK_FALSE(init::console_is_vt("tty"));
}

TEST_CASE("the screen gets every line; the serial result line stays byte-exact", "[screen]") {
    auto [console, screen] = captured(
        [] {
            init::say("[1/5] hex0 start");
            init::write_result("SEEDBOOT-RESULT: ok");
        },
        true);
    CHECK(console == "seedboot: [1/5] hex0 start\nSEEDBOOT-RESULT: ok\n");
    CHECK(screen == "seedboot: [1/5] hex0 start\n" + init::screen_result("SEEDBOOT-RESULT: ok"));
    qemu::ConsoleWatch serial;
    serial.feed(console);
    CHECK(serial.result_line == "SEEDBOOT-RESULT: ok");
    // The bar: green for ok, red for a failure, painted to the end of the row.
    CHECK(init::screen_result("SEEDBOOT-RESULT: ok") ==
          "\n\033[1;37;42m\033[K SEEDBOOT-RESULT: ok\033[K\033[0m\n\n");
    CHECK_THAT(init::screen_result("SEEDBOOT-RESULT: fail step=x status=1"),
               Catch::StartsWith("\n\033[1;37;41m"));
}

TEST_CASE("without a screen, nothing changes on the console", "[screen]") {
    auto [console, screen] = captured(
        [] {
            CHECK_FALSE(init::has_screen());
            init::say("step");
            init::write_result("SEEDBOOT-RESULT: fail step=x status=1");
        },
        false);
    CHECK(console == "seedboot: step\nSEEDBOOT-RESULT: fail step=x status=1\n");
    CHECK(screen.empty());
}
