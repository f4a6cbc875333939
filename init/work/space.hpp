// Free space on the work partition. A step that fills the disk must not take
// the PID 1's bookkeeping down with it: a reserve file taken at boot is given
// back when a step fails on a full disk, so that the journal, the step's log
// and /result can still be written, and the run resumes once the partition
// has been enlarged (seedboot grow).
#pragma once

#include "init/work/work.hpp"

#include <cstdint>
#include <string>

namespace init {

struct Space {
    uint64_t free_bytes = 0, total_bytes = 0, free_inodes = 0;
};

[[nodiscard]] bool work_space(const Work& work, Space& out);

// Too little left to go on: less than the reserve, or no inode at all.
[[nodiscard]] bool is_full(const Space& s);

// "12 KiB of 32 MiB free, 7980 inodes free"
std::string describe(const Space& s);

// Makes sure the reserve file holds its bytes; false (told on the console)
// when the partition is too full for it, before any step runs.
[[nodiscard]] bool keep_reserve(const Work& work);

// When the disk is full: says so, naming `what` filled it, and frees the
// reserve. Returns true if the disk was full.
[[nodiscard]] bool report_if_full(const Work& work, const std::string& what);

// The line the user acts on.
inline constexpr const char* kGrowHint =
    "enlarge the work partition with `seedboot grow DISK --work-size SIZE` and boot again: "
    "finished steps are kept and the run resumes";

} // namespace init
