// The build tree's first layer (/layers/0000): the plan's folders, the sources it copies
// from the root image, and the mount points of its read-only views. Made once, on the
// first boot, and committed by the journal's layout line (after the format line, for a
// new journal); a cut-off attempt is discarded with every other uncommitted layer.
#pragma once

#include "init/layers/layer_cache.hpp"
#include "init/work/work.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/manifest.hpp"
#include "libseedboot/format/plan.hpp"

namespace init {

// Makes and commits the layout layer, or takes it from the cache; `j` gets the layout line.
[[nodiscard]] bool lay_out(const seedboot::Plan& plan, const Work& work,
                           const seedboot::Manifest& manifest, LayerCache& cache,
                           seedboot::Journal& j);

} // namespace init
