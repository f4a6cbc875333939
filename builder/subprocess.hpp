// Runs a helper program (mke2fs, mkfs.fat, mtools) with a controlled
// environment and reports its failure with what it printed.
#pragma once

#include <string>
#include <vector>

namespace builder {

// Runs argv[0] from PATH with `env` added to a minimal environment (PATH, LC_ALL=C,
// TZ=UTC). On failure `err` names the program, its status and its last output.
bool run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                 std::string& err);

} // namespace builder
