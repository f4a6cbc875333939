// The lowest layer of every view a RUN step works in: the mount points of what the
// step sees besides its tree (step_mounts.hpp), as BuildKit makes them for a RUN:
// folders dev, proc and sys, and etc/hosts and etc/resolv.conf with the stubs' text.
// Being a layer below the tree's own, they take no room in any step's layer: a step
// that changes nothing leaves the same layer with them as without, and the digests
// of trees and layers (read without it) do not change. Made afresh at every boot.
#pragma once

#include <string>

namespace init {

// The layer's name in the layers folder; the folder `dir` itself.
inline constexpr const char* kStepStubs = ".stubs";
[[nodiscard]] bool make_step_stubs(const std::string& dir);

} // namespace init
