#include "console.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>
#include <unistd.h>

namespace init {

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false; // the console is gone, or the disk full
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

void say(std::string_view line) {
    std::string text = "seedboot: ";
    text += line;
    text += '\n';
    write_all(1, text);
}

bool fail(std::string_view what) {
    std::string text = "error: ";
    text += what;
    say(text);
    return false;
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

} // namespace init
