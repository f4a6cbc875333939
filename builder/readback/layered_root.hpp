// A build root read back from a run's layers (libseedboot/format/layers.hpp), as the
// guest's overlayfs showed it: the run's plan and trusted journal say which layers make
// the root, and the layers are merged top down: an upper entry hides the ones below it, a
// whiteout (c 0:0) removes what is below, an opaque folder hides the folders below it.
#pragma once

#include "builder/readback/work_fs.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/layers.hpp"
#include "libseedboot/format/plan.hpp"

#include <string>
#include <vector>

namespace builder {

// The run on a work file system: its /plan, its /state (trusted lines only) and the roots
// they leave.
struct RunRecord {
    seedboot::Plan plan;
    seedboot::Journal journal;
    seedboot::Replay replay;
};
[[nodiscard]] bool read_run(WorkFs& fs, RunRecord& out, std::string& err);

// The stack of root `name`, or an error naming the roots there are.
[[nodiscard]] bool find_root(const RunRecord& run, const std::string& name, seedboot::Stack& out,
                             std::string& err);

// One entry of a merged root: `entry.path` is its path in the root ("/usr/bin/cc"), `source`
// where it is in the work file system ("/layers/0004/usr/bin/cc").
struct RootEntry {
    WorkFsEntry entry;
    std::string source;
};

// The merged view of `stack`, sorted by path, whiteouts and hidden entries left out.
[[nodiscard]] bool merge_root(WorkFs& fs, const seedboot::Stack& stack, std::vector<RootEntry>& out,
                              std::string& err);

// The entries of one layer, with its paths below the layer's top (as merge_root's).
[[nodiscard]] bool list_layer(WorkFs& fs, const std::string& layer, std::vector<RootEntry>& out,
                              std::string& err);

// Copies the entries of a merged root below `below` ("/" for all) to host folder `dest`, as
// extract_work_tree does (files 0644 plus their exec bits, folders 0755, links as they are).
[[nodiscard]] bool extract_root_entries(WorkFs& fs, const std::vector<RootEntry>& entries,
                                        const std::string& below, const std::string& dest,
                                        std::string& err);

} // namespace builder
