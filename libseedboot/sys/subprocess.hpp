// Runs a helper program (mke2fs, mkfs.fat, mtools) with a controlled
// environment and reports its failure with what it printed.
#pragma once

#include <string>
#include <vector>

namespace seedboot {

// Runs argv[0] from PATH with `env` added to a minimal environment (PATH, LC_ALL=C,
// TZ=UTC). Exit statuses up to `max_ok` count as success (e2fsck exits 1 after fixing
// something). On failure `err` names the program, its status and its last output.
[[nodiscard]] bool run_program(const std::vector<std::string>& argv,
                               const std::vector<std::string>& env, std::string& err,
                               int max_ok = 0);

// The path of an e2fsprogs tool such as "e2fsck": from PATH, else /usr/sbin or /sbin, which an
// ordinary user's PATH on Debian does not include.
std::string sbin_program(const std::string& name);

} // namespace seedboot
