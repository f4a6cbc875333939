// Copies a layer, or a whole root's merged view, into an empty folder exactly:
// types, modes (set-id bits too), owners, modification times, hard links within
// the tree, whiteouts and opaque folders. The layer cache stores layers this way
// and hands them back this way; a deep stack is flattened this way. The source
// was written by hostile steps: nothing in it is followed (O_NOFOLLOW at every
// entry, opened relative to its parent).
#pragma once

#include <cstdint>
#include <string>

namespace init {

struct CopyCount {
    uint64_t entries = 0;
    uint64_t bytes = 0;
};

// Copies everything below `from` into the existing, empty folder `to`. False (the console
// says why) on any failure; what was copied so far stays for the caller to discard.
[[nodiscard]] bool copy_layer(const std::string& from, const std::string& to, CopyCount& count);

} // namespace init
