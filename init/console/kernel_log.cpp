#include "init/console/kernel_log.hpp"

#include "init/console/console.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string_view>
#include <sys/klog.h>
#include <unistd.h>

namespace init {

namespace {

constexpr int kActionConsoleLevel = 8; // SYSLOG_ACTION_CONSOLE_LEVEL
constexpr int kEmergenciesOnly = 1;    // messages below level 1: KERN_EMERG

// "PRIO,SEQ,MICROSECONDS,FLAGS;TEXT\n" followed by " KEY=VALUE" lines; the
// kernel escapes unprintable bytes of TEXT as \xNN. Only what the kernel itself
// would have printed (a level below the console's) is forwarded.
void format_record(std::string_view rec, int console_level, std::string& lines) {
    size_t semi = rec.find(';');
    if (semi == std::string_view::npos) return;
    if (std::atoi(std::string(rec.substr(0, semi)).c_str()) % 8 >= console_level) return;
    std::string_view head = rec.substr(0, semi), text = rec.substr(semi + 1);
    text = text.substr(0, text.find('\n'));
    unsigned long long usec = 0;
    size_t c1 = head.find(','), c2 = c1 == std::string_view::npos ? c1 : head.find(',', c1 + 1);
    if (c2 != std::string_view::npos)
        usec = std::strtoull(std::string(head.substr(c2 + 1)).c_str(), nullptr, 10);
    char stamp[40];
    std::snprintf(stamp, sizeof stamp, "[%5llu.%06llu] ", usec / 1000000, usec % 1000000);
    lines += "seedboot: kernel: ";
    lines += stamp;
    lines += text;
    lines += '\n';
}

} // namespace

bool KernelLog::open() {
    kmsg_ = Fd(::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!kmsg_.ok()) return fail_errno("open /dev/kmsg");
    // /proc/sys/kernel/printk: "CONSOLE DEFAULT MINIMUM BOOT-DEFAULT" (a proc file
    // has no size to read by: one read of what it gives).
    Fd printk(::open("/proc/sys/kernel/printk", O_RDONLY | O_CLOEXEC));
    char text[64] = {};
    if (!printk.ok() || ::read(printk.get(), text, sizeof text - 1) <= 0)
        return fail_errno("read /proc/sys/kernel/printk");
    level_ = std::atoi(text);
    if (level_ < 1 || level_ > 8) return fail("/proc/sys/kernel/printk: unreadable console level");
    return true;
}

void KernelLog::quiet() {
    if (::lseek(kmsg_.get(), 0, SEEK_END) < 0) fail_errno("seek /dev/kmsg");
    if (::klogctl(kActionConsoleLevel, nullptr, kEmergenciesOnly) != 0)
        fail_errno("lower the console log level");
}

void KernelLog::restore() {
    if (::klogctl(kActionConsoleLevel, nullptr, level_) != 0)
        fail_errno("restore the console log level");
}

void KernelLog::forward(std::string& lines) {
    for (;;) {
        ssize_t n = ::read(kmsg_.get(), record_, sizeof record_);
        if (n < 0 && (errno == EINTR || errno == EPIPE)) continue; // EPIPE: older records were lost
        if (n <= 0) return;                                        // EAGAIN: nothing more
        format_record(std::string_view(record_, static_cast<size_t>(n)), level_, lines);
    }
}

} // namespace init
