// The PID 1's own steps between processes, for StageX's build stages (plan
// format 2): a build root that starts as a folder of the root image (`FROM
// stagex/bootstrap-stageN`), making a folder in a root (`WORKDIR`), copying into
// one (`COPY`, `ADD`). Each writes into its root's merged view (or, for a start,
// straight into the new root's first layer), and is journaled and committed as a
// layer like a step that runs a program, so a power cut resumes it.
#pragma once

#include "libseedboot/format/plan.hpp"

#include <string>

namespace init {

struct ActionTrees {
    std::string into; // the writable view of the step's root (start: its new layer folder)
    std::string from; // copy from a root: that root's read-only view
};

// Carries out a start (from an image folder), mkdir or copy step. False, with the console
// saying why, on any failure.
[[nodiscard]] bool run_action(const seedboot::PlanStep& step, const ActionTrees& trees);

} // namespace init
