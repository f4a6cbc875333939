// The layers folder of the work partition at boot: the layers the trusted journal
// commits are checked against their digests, and everything else in the folder (a
// cut-off step's partial upper layer, a layer whose journal line was cut) is
// discarded whole: moved to the aside folder, which aside.hpp bounds. So a step that
// was cut off starts again from exactly the tree it started from, whatever it had
// changed, at the cost of one rename.
#pragma once

#include "init/layers/overlay.hpp"

#include "init/work/work.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/layers.hpp"
#include "libseedboot/format/plan.hpp"

namespace init {

LayerDirs layer_dirs(const Work& work);

// The folder of layer `name`.
std::string layer_path(const Work& work, const std::string& name);

// Brings the layers folder in line with the trusted journal `j` and sets `r` to the roots it
// leaves. A committed layer whose digest no longer matches is named, the journal is cut
// before the line that committed it (journal_trust.hpp), and it and every step after it
// run again. False (the console says why) when the folder cannot be read or written, or the
// journal is of a format without layers.
[[nodiscard]] bool open_layers(const Work& work, const seedboot::Plan& plan, seedboot::Journal& j,
                               seedboot::Replay& r);

// Discards what is in layer folder `name` now (moved aside as `aside_name`.K), saying `why`.
[[nodiscard]] bool discard_layer(const Work& work, const std::string& name,
                                 const std::string& aside_name, const std::string& why);

// Makes layer folder `name` afresh: empty, mode 755, owned by 0:0. Whatever stood there
// (an unfinished attempt) is discarded first.
[[nodiscard]] bool fresh_layer(const Work& work, const std::string& name,
                               const std::string& aside_name);

} // namespace init
