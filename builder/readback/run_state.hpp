// A run as its work file system tells it: which steps finished, failed or were cut off (from
// /plan and the /state journal), and where each step's log is (`seedboot status`).
#pragma once

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/plan.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace builder {

struct StepState {
    std::string state = "pending"; // "pending", "started, not finished", "done" or "failed"
    uint64_t millis = 0;           // done or failed: how long it ran
    int status = 0;                // done or failed: its exit status
};

// One state per step of `plan`, from the journal's events (the last event of a step counts).
std::vector<StepState> step_states(const seedboot::Plan& plan, const seedboot::Journal& j);

// "/logs/03-name.log": where the PID 1 keeps the output of step `index` (from 0).
std::string step_log_path(size_t index, const std::string& name);

} // namespace builder
