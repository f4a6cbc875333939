// Checkpoints of the build tree around a step, so that a step cut off by a
// power loss reruns from a known state: before the step, the PID 1 records
// what the tree holds; after the cut, what the step had added is set aside
// (moved, not deleted: nothing is lost) and the step starts again.
#pragma once

#include <string>

namespace init {

// Writes the listing of `root` (every path with its size and mtime) to `listing`, durably.
bool record_tree(const std::string& root, const std::string& listing);

// Moves every path of `root` that `listing` does not name into `aside` (keeping
// its relative path); names, on the console, files the step changed in place,
// which cannot be undone and are rerun over.
bool set_aside_new(const std::string& root, const std::string& listing, const std::string& aside);

} // namespace init
