// What a step's outputs are checked against, and the check. The answers come from the
// verified root image only: the roots are the steps' to write. An output is hashed in the
// merged view of the root the step wrote, as it was right after that step.
#pragma once

#include "libseedboot/format/plan.hpp"

#include <map>
#include <string>

namespace init {

struct Answers {
    std::map<std::string, std::string> want; // "ROOT:PATH" or "PATH" (build) -> sha256
    std::map<std::string, std::string> seen; // the outputs hashed so far, for /result
};

// The plan's answers files, read from the root image.
[[nodiscard]] bool load_answers(const seedboot::Plan& plan, Answers& a);

// Checks `step`'s declared outputs, and (with_answers) its own answers file, in `view` (the
// merged view of its root). False (the console names both hashes) on a mismatch.
[[nodiscard]] bool check_step_outputs(const std::string& view, const seedboot::PlanStep& step,
                                      Answers& a, bool with_answers);

// Every answer no step's output check reached, in `build_view` (the final build tree).
[[nodiscard]] bool check_remaining_answers(const std::string& build_view, Answers& a);

} // namespace init
