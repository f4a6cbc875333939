// Runs one plan step: a fresh process, chrooted into the build tree, with a
// cleared environment, in the sandbox, under a wall-clock limit; its output goes
// to the console and to the step's log file.
#pragma once

#include "libseedboot/format/plan.hpp"

#include <cstdint>
#include <string>

namespace init {

struct StepOutcome {
    int status = 0; // exit status, 128+signal, or 124 when the time limit hit
    uint64_t millis = 0;
    uint64_t lines = 0; // lines of output, for the next run's progress estimate
    bool timed_out = false;
    // When the log could not take all the output (a full disk): the last bytes of
    // what it missed, for the PID 1 to append once it has made room.
    bool log_short = false;
    std::string tail;
};

constexpr int kStatusTimeout = 124;
constexpr int kStatusExecFailed = 127;

// Returns false only when the step could not be started at all (the console says why).
bool run_step(const seedboot::Plan& plan, const seedboot::PlanStep& step, const std::string& root,
              const std::string& log_path, StepOutcome& out);

} // namespace init
