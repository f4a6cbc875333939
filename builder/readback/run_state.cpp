#include "run_state.hpp"

#include <cstdio>

namespace builder {

std::vector<StepState> step_states(const seedboot::Plan& plan, const seedboot::Journal& j) {
    std::vector<StepState> states(plan.steps.size());
    for (const auto& e : j.events)
        for (size_t i = 0; i < plan.steps.size(); ++i) {
            if (plan.steps[i].name != e.name) continue;
            states[i].state = e.kind == "begin" ? "started, not finished"
                              : e.status == 0   ? "done"
                                                : "failed";
            states[i].millis = e.millis;
            states[i].status = static_cast<int>(e.status);
        }
    return states;
}

std::string step_log_path(size_t index, const std::string& name) {
    char nn[24];
    std::snprintf(nn, sizeof nn, "%02zu-", index + 1);
    return "/logs/" + std::string(nn) + name + ".log";
}

} // namespace builder
