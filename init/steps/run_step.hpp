// Runs one plan step: its processes in a PID namespace, a mount namespace and a
// cgroup of their own (step_process.hpp), chrooted into the build tree, with a
// cleared environment, in the sandbox, under a wall-clock limit; its output goes
// to the console (every line marked) and to the step's log file. When run_step
// returns, no process of the step is left.
#pragma once

#include "init/console/kernel_log.hpp"
#include "init/sandbox/sandbox.hpp"

#include "libseedboot/format/plan.hpp"
#include "libseedboot/sys/fd.hpp"

#include <cstdint>
#include <string>

namespace init {

using seedboot::Fd;

struct StepOutcome {
    int status = 0; // exit status, 128+signal, or 124 when the time limit hit
    uint64_t millis = 0;
    uint64_t lines = 0; // lines of output, for the next run's progress estimate
    // What the step's processes used, from the reaper's wait4: the CPU time of every process
    // the step waited for, and the resident size of the largest one (a GCC build's cc1plus),
    // so that a user knows what memory to give the guest.
    uint64_t user_ms = 0, sys_ms = 0;
    uint64_t peak_rss_kib = 0;
    bool timed_out = false;
    // When the log could not take all the output (a full disk): the last bytes of
    // what it missed, for the PID 1 to append once it has made room.
    bool log_short = false;
    std::string tail;
};

// What every step shares, made once per boot by prepare_steps().
struct StepSandbox {
    SandboxFilter filter;
    Fd cgroup;
    KernelLog kernel;
    std::string stubs; // the stubs layer's folder (layers/step_stubs.hpp)
};

constexpr int kStatusTimeout = 124;

// The seccomp filter, the steps' cgroup and the kernel log; false (told why) on failure.
[[nodiscard]] bool prepare_steps(StepSandbox& box);

// Returns false only when the step could not be started, or something of it
// outlived it (the console says why).
[[nodiscard]] bool run_step(const seedboot::Plan& plan, const seedboot::PlanStep& step,
                            const std::string& root, StepSandbox& box, const std::string& log_path,
                            StepOutcome& out);

} // namespace init
