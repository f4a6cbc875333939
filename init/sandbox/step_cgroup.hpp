// The cgroup every step runs in: the pids controller bounds how many tasks a
// step may have at once (RLIMIT_NPROC does not hold for uid 0), and the PID 1
// checks that nothing of a step is left in it once the step has ended.
#pragma once

#include "libseedboot/sys/fd.hpp"

#include <cstdint>

namespace init {

using seedboot::Fd;

// Mounts cgroup2 on /sys/fs/cgroup, enables the pids controller and makes the
// steps' group with pids.max = kMaxStepTasks; `out` is its directory, for clone3's
// CLONE_INTO_CGROUP. False with the console told why.
[[nodiscard]] bool make_step_cgroup(Fd& out);

// How many tasks are in the steps' group now; false (told why) if unreadable.
[[nodiscard]] bool step_cgroup_tasks(const Fd& group, uint64_t& count);

} // namespace init
