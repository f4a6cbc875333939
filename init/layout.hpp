// The build tree on the work partition: laid out once from the root image, and
// ready at every boot for the steps' read-only views of the root image.
#pragma once

#include "libseedboot/format/plan.hpp"

#include <string>

namespace init {

// First boot (no "layout" line in the journal): builds the tree in
// `root`.tmp (mkdirs, copies), renames it to `root` and appends `journal_lines`
// (the layout line, after the format line for a new journal) to `journal`.
// A half-made tree from a cut-off first boot is removed first.
bool lay_out(const seedboot::Plan& plan, const std::string& root, const std::string& journal,
             const std::string& journal_lines);

// Every boot, before any step: the mount points of the plan's read-only binds
// in the tree (a directory, or an empty file for a file), made through no symlink.
// Each step's reaper binds over them in the step's own mount namespace.
bool make_mount_points(const seedboot::Plan& plan, const std::string& root);

} // namespace init
