// The host's side of the console protocol: reads the guest's console as it
// arrives, in chunks cut anywhere, and keeps the last result line (a line that
// starts with "SEEDBOOT-RESULT: "), a kernel panic, and whether a power-cut mark went by. It
// also keeps the kernel's first line saying that the root image could not be read (a
// squashfs with a garbled superblock, cut short, or with damaged metadata), which
// the user would otherwise have to find in a kernel panic.
#pragma once

#include <string>
#include <string_view>

namespace qemu {

struct ConsoleWatch {
    std::string cut_after;   // non-empty: watch for a line holding this text
    std::string result_line; // the last result line, without its line end
    std::string panic_line;  // the kernel's "Kernel panic - not syncing: ..." line, if one came
    bool cut = false;
    std::string root_unreadable; // the kernel's first line about an unreadable root image

    // "the root image could not be read: the kernel said '...'", or "" if it said nothing.
    std::string root_problem() const;

    void feed(std::string_view chunk);
    size_t pending() const { return partial_.size(); } // bytes of the unfinished line kept

  private:
    std::string partial_; // the current line, up to kMaxLine bytes
};

} // namespace qemu
