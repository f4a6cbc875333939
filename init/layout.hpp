// The build tree on the work partition: laid out once from the root image, and
// given its read-only views of the root image at every boot.
#pragma once

#include "libseedboot/format/plan.hpp"

#include <string>
#include <vector>

namespace init {

// First boot (no "layout" line in the journal): builds the tree in
// `root`.tmp (mkdirs, copies), renames it to `root` and journals "layout".
// A half-made tree from a cut-off first boot is removed first.
bool lay_out(const seedboot::Plan& plan, const std::string& root, const std::string& journal);

// Every boot: the plan's read-only binds; `mounted` lists what to unmount, in order.
bool bind_views(const seedboot::Plan& plan, const std::string& root,
                std::vector<std::string>& mounted);

} // namespace init
