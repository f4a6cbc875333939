#include "init/console/console.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/sys/io.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <poll.h>
#include <string>
#include <unistd.h>

namespace init {

namespace {

struct Screen {
    ScreenKind kind = ScreenKind::none;
    int fd = -1; // ScreenKind::beside; open for the PID 1's whole life
};
Screen screen;

} // namespace

void use_screen(ScreenKind kind, int fd) {
    if (screen.fd >= 0) ::close(screen.fd);
    screen = {kind, kind == ScreenKind::beside ? fd : -1};
}

[[nodiscard]] bool has_screen() {
    return screen.kind != ScreenKind::none;
}

namespace {

// A console or screen write whose failure has no one left to tell (write_console).
void tell(int fd, std::string_view data) {
    static_cast<void>(seedboot::write_all(fd, data));
}

} // namespace

void write_console(std::string_view data) {
    // A screen that fails (unplugged, gone) must not cost the console its line.
    if (screen.fd >= 0) tell(screen.fd, data);
    tell(1, data);
}

std::string screen_result(std::string_view line) {
    bool ok = line == seedboot::result_line_ok();
    // Bold white on green or red; ESC[K paints the rest of the row in the same colour.
    std::string bar = ok ? "\033[1;37;42m" : "\033[1;37;41m";
    return "\n" + bar + "\033[K " + std::string(line) + "\033[K\033[0m\n\n";
}

void write_result(std::string_view line) {
    std::string plain = std::string(line) + "\n";
    if (screen.kind == ScreenKind::is_console) {
        tell(1, screen_result(line));
        return;
    }
    if (screen.fd >= 0) tell(screen.fd, screen_result(line));
    tell(1, plain);
}

void say(std::string_view line) {
    std::string text = "seedboot: ";
    text += line;
    text += '\n';
    write_console(text);
}

bool fail(std::string_view what) {
    std::string text = "error: ";
    text += what;
    say(text);
    return false;
}

[[nodiscard]] bool reported(bool ok, const std::string& err) {
    return ok || fail(err);
}

bool fail_errno(std::string_view what) {
    std::string text(what);
    text += ": ";
    text += std::strerror(errno);
    return fail(text);
}

double seconds_since_boot() {
    timespec ts{};
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void sleep_ms(unsigned ms) {
    const double until = seconds_since_boot() + ms / 1000.0;
    for (double left; (left = until - seconds_since_boot()) > 0;)
        ::poll(nullptr, 0, static_cast<int>(left * 1000) + 1); // EINTR: the loop goes on
}

} // namespace init
