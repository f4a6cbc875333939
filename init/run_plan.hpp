// Runs the plan's steps that the journal does not list as finished, checks each
// step's outputs against the answers, journals it, and writes /result (whatever
// the outcome: /result always says what the console's result line will say).
#pragma once

#include "result_file.hpp"
#include "work.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/plan.hpp"

#include <string>

namespace init {

using PlanOutcome = Verdict;

// `j`: the trusted journal (journal_trust.hpp), appended to as the steps run.
PlanOutcome run_plan(const seedboot::Plan& plan, const Work& work, seedboot::Journal& j);

} // namespace init
