// Runs the plan's steps that the journal does not list as finished, each into a fresh
// layer over its root's stack (or from the layer cache), checks each step's outputs
// against the answers, commits its layer in the journal, and writes /result (whatever
// the outcome: /result always says what the console's result line will say).
#pragma once

#include "init/layers/layer_cache.hpp"
#include "init/work/result_file.hpp"
#include "init/work/work.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/manifest.hpp"
#include "libseedboot/format/plan.hpp"

#include <string>

namespace init {

using PlanOutcome = Verdict;

// `j`: the trusted journal (journal_trust.hpp), appended to as the steps run; the layers
// folder is in line with it (layers/layer_store.hpp open_layers) and laid out (layout.hpp).
// `manifest`: the verified root image's, for the layers' cache keys.
PlanOutcome run_plan(const seedboot::Plan& plan, const Work& work, seedboot::Journal& j,
                     const seedboot::Manifest& manifest, LayerCache& cache);

} // namespace init
