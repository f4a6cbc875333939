// The aside folder (/work/aside) keeps what the PID 1 moved out of the way rather
// than delete: a cut-off or failed step's partial work (NN-name.K, its K-th copy),
// a damaged journal's untrusted lines (state.untrusted.K), an untrusted build tree
// (build.untrusted.K). Each power cut during a long step would add another full
// copy, so the folder is bounded: the latest copy of each name is always kept;
// older copies only while the folder stays within an eighth of the work partition.
// Beyond that the oldest go first, and each one dropped is named on the console.
#pragma once

#include <cstdint>
#include <string>

namespace init {

// base.K for the next K: one more than the highest of base's copies (not a free
// number below it: the highest is the latest).
[[nodiscard]] bool next_copy_name(const std::string& base, std::string& name);

// How many bytes the aside folder may hold beyond the latest copies, for a work
// partition of `total_bytes`.
inline uint64_t aside_cap(uint64_t total_bytes) {
    return total_bytes / 8;
}

// Applies the policy above to the folder `aside`, allowed `cap` bytes (aside_cap()).
[[nodiscard]] bool bound_aside(const std::string& aside, uint64_t cap);

} // namespace init
