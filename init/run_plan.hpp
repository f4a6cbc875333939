// Runs the plan's steps that the journal does not list as finished, checks each
// step's outputs against the answers, journals it, and writes /result.
#pragma once

#include "libseedboot/format/plan.hpp"
#include "work.hpp"

#include <string>

namespace init {

struct PlanOutcome {
    bool ok = false;
    std::string failed_step; // set when !ok
    int status = 0;
    bool disk_full = false; // the failed step left the work partition full
};

PlanOutcome run_plan(const seedboot::Plan& plan, const Work& work);

} // namespace init
