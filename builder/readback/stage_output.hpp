// A StageX stage's output read back from its run: the build root the plan named
// as its digest root (its layers merged: layered_root.hpp), copied out and held to the tree digest
// the PID 1 recorded in /result ("tree NAME SHA256 ENTRIES"), so that what the
// host packs is what the guest built and the run passed.
#pragma once

#include "builder/readback/work_fs.hpp"

#include "libseedboot/format/tree_digest.hpp"

#include <string>

namespace builder {

// Extracts what is below `below` in build root `root` (its merged layers) to `dest`.
[[nodiscard]] bool extract_root(WorkFs& fs, const std::string& root, const std::string& below,
                                const std::string& dest, std::string& err);

// Extracts build root `root` of `fs` to `dest` and checks it. False with `err` when the
// run did not end ok, recorded no digest for `root`, or the copy's digest differs.
[[nodiscard]] bool extract_stage_root(WorkFs& fs, const std::string& root, const std::string& dest,
                                      seedboot::TreeDigest& digest, std::string& err);

} // namespace builder
