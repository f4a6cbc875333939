// Everything the PID 1 says goes to the console (fds 1 and 2 are /dev/console,
// opened by the kernel), one whole line per write so lines never interleave;
// and, on a machine with a screen, to the screen as well (screen.cpp finds it).
#pragma once

#include <string>
#include <string_view>

namespace init {

void say(std::string_view line); // "seedboot: <line>"
// fail and fail_errno are reports: `return fail(...)` passes their false on, and a plain
// `fail(...);` is a report that changes nothing, so they are not [[nodiscard]].
bool fail(std::string_view what);       // "seedboot: error: <what>", returns false
bool fail_errno(std::string_view what); // ... ": <strerror(errno)>", returns false
// The verdict of a libseedboot call that names its error in `err` (libseedboot/sys): `ok`, or
// false with `err` told, so that a chain reads `reported(seedboot::make_dirs(d, err), err) && ...`.
[[nodiscard]] bool reported(bool ok, const std::string& err);
double seconds_since_boot(); // CLOCK_BOOTTIME
// Waits `ms` milliseconds with poll(2): glibc turns a short sleep() or usleep() into the
// 32-bit-time nanosleep, which the i386 kernel lacks (no CONFIG_COMPAT_32BIT_TIME: ENOSYS).
void sleep_ms(unsigned ms);

// Where the screen is: nowhere (serial only, as under QEMU -nographic), a VT beside the
// serial console (`fd`, which the console keeps open), or /dev/console itself.
enum class ScreenKind { none, beside, is_console };
void use_screen(ScreenKind kind, int fd = -1);
[[nodiscard]] bool has_screen();

// `data` to the console and to the screen beside it. The console is where every failure is
// told, so a write to it that fails has no one left to tell: there is no result to check.
void write_console(std::string_view data);

// The result line, last: byte for byte on the serial console (the protocol the host
// reads), and as a full-width bar on the screen (green for ok, red otherwise).
void write_result(std::string_view line);
std::string screen_result(std::string_view line); // the bar's bytes, for the tests

} // namespace init
