// The run's journal (/state) as the PID 1 takes it at boot: only what it can trust.
// A line cut off by a power loss is removed. From the first damaged line on (its
// check fails), nothing is trusted: those lines are kept in the aside folder and the
// journal is cut back to its trusted lines. The layers the cut lines had committed are
// then on the disk but in no trusted line, so they do not exist: the layer store
// discards them (init/layers/layer_store.hpp), and their steps run again.
#pragma once

#include "init/work/work.hpp"

#include "libseedboot/format/journal.hpp"

#include <string>

namespace init {

// Reads `work`'s journal into `j` (empty if there is none yet) and repairs it as above,
// saying on the console what it found and did.
[[nodiscard]] bool load_journal(const Work& work, seedboot::Journal& j);

// Ends the trusted journal where the line at byte `offset` starts, because of `why`:
// the lines from there on go to the aside folder (state.untrusted.K), and `j` is read
// again from what is left.
[[nodiscard]] bool cut_journal(const Work& work, size_t offset, const std::string& why,
                               seedboot::Journal& j);

} // namespace init
