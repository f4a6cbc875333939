// The PID 1's own steps between processes, for StageX's build stages (plan
// format 2): starting a build root (`FROM scratch AS x`, `FROM y AS x`), making
// a folder in one (`WORKDIR`), copying into one (`COPY`, `ADD`). They are
// journaled like steps that run a program, so a power cut resumes them.
#pragma once

#include "work.hpp"

#include "libseedboot/format/plan.hpp"

#include <string>

namespace init {

// Where a step's root is: "build" is the build tree, any other name a folder
// of /work/roots.
std::string root_path(const Work& work, const std::string& root);

// Carries out a start, mkdir or copy step. `aside` is where a root that a
// cut-off start left behind is moved (nothing is deleted). False, with the
// console saying why, on any failure.
bool run_action(const seedboot::PlanStep& step, const Work& work, const std::string& aside);

} // namespace init
