// Runs the plan's steps that the journal does not list as finished, checks each
// step's outputs against the answers, journals it, and writes /result.
#pragma once

#include "plan.hpp"

#include <string>

namespace init {

struct Work {
    std::string dir = "/work";
    std::string build() const { return dir + "/build"; }
    std::string logs() const { return dir + "/logs"; }
    std::string journal() const { return dir + "/state"; }
    std::string result() const { return dir + "/result"; }
    std::string checkpoints() const { return dir + "/checkpoints"; }
    std::string aside() const { return dir + "/aside"; }
};

struct PlanOutcome {
    bool ok = false;
    std::string failed_step; // set when !ok
    int status = 0;
};

PlanOutcome run_plan(const seedboot::Plan& plan, const Work& work);

} // namespace init
