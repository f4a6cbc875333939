// The run's journal (/state) as the PID 1 takes it at boot: only what it can trust.
// A line cut off by a power loss is removed. From the first damaged line on (its
// check fails), nothing is trusted: those lines are kept in the aside folder, the
// journal is cut back to its trusted lines, and the build tree is brought back to
// where they end, so that the steps after them run again from the right tree.
#pragma once

#include "work.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/plan.hpp"

namespace init {

// Reads `work`'s journal into `j` (empty if there is none yet) and repairs it as above,
// saying on the console what it found and did.
bool load_journal(const Work& work, const seedboot::Plan& plan, seedboot::Journal& j);

} // namespace init
