#include "console_watch.hpp"

#include "libseedboot/format/journal.hpp"

namespace qemu {

namespace {
// Longer lines are cut: a result line is short, and a guest must not make the host buffer grow.
constexpr size_t kMaxLine = 4096;
// A panicking kernel holds its message on the screen (panic=60) before it resets; the runner
// need not wait for that.
constexpr std::string_view kPanic = "Kernel panic - not syncing";
// What every line of the PID 1 starts with (init/console/console.cpp). Found anywhere in the line:
// SeaBIOS may leave "Booting from ROM.." without a line end before it.
constexpr std::string_view kPid1Prefix = "seedboot: ";

// What the kernel prints when it cannot read the root image: no file system it
// knows in the root device, or a squashfs block it cannot read or decompress.
[[nodiscard]] bool says_root_unreadable(std::string_view line) {
    return line.find("VFS: Unable to mount root fs") != std::string_view::npos ||
           line.find("SQUASHFS error:") != std::string_view::npos;
}
} // namespace

std::string ConsoleWatch::root_problem() const {
    if (root_unreadable.empty()) return "";
    return "the root image could not be read: the kernel said '" + root_unreadable + "'";
}

void ConsoleWatch::feed(std::string_view chunk) {
    for (char c : chunk) {
        if (c != '\n') {
            if (partial_.size() < kMaxLine) partial_ += c;
            continue;
        }
        while (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
        if (partial_.starts_with(seedboot::kResultPrefix)) result_line = partial_;
        if (panic_line.empty() && partial_.find(kPanic) != std::string::npos) panic_line = partial_;
        if (root_unreadable.empty() && says_root_unreadable(partial_))
            root_unreadable = partial_.substr(0, 200);
        if (partial_.find(kPid1Prefix) != std::string::npos || !panic_line.empty() ||
            !root_unreadable.empty())
            linux_started = true;
        if (!cut_after.empty() && partial_.find(cut_after) != std::string::npos) cut = true;
        partial_.clear();
    }
}

} // namespace qemu
