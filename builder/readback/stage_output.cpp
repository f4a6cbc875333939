#include "stage_output.hpp"

#include "builder/readback/layered_root.hpp"

#include "libseedboot/format/text.hpp"

namespace builder {

namespace {

// The "tree ROOT SHA ENTRIES" line of an ok /result.
bool recorded_digest(WorkFs& fs, const std::string& root, seedboot::TreeDigest& want,
                     std::string& err) {
    std::string text;
    if (!read_work_file(fs, "/result", text, err)) return false;
    auto lines = seedboot::split_lines(text);
    if (lines.size() < 3 || lines[2] != "result ok") {
        err = "/result does not say the run passed (" +
              (lines.size() > 2 ? std::string(lines[2]) : std::string("no result line")) +
              "): a stage's output is taken only from a run that passed";
        return false;
    }
    for (auto line : lines) {
        auto w = seedboot::split_words(line);
        if (w.size() != 4 || w[0] != "tree" || w[1] != root) continue;
        want.sha256 = std::string(w[2]);
        return seedboot::parse_u64(w[3], want.entries) ||
               (err = "/result: bad entry count in '" + std::string(line) + "'", false);
    }
    err = "/result records no tree digest for build root " + root +
          " (expected the plan's digest root)";
    return false;
}

} // namespace

bool extract_root(WorkFs& fs, const std::string& root, const std::string& below,
                  const std::string& dest, std::string& err) {
    RunRecord run;
    seedboot::Stack stack;
    std::vector<RootEntry> entries;
    return read_run(fs, run, err) && find_root(run, root, stack, err) &&
           merge_root(fs, stack, entries, err) &&
           extract_root_entries(fs, entries, below, dest, err);
}

bool extract_stage_root(WorkFs& fs, const std::string& root, const std::string& dest,
                        seedboot::TreeDigest& digest, std::string& err) {
    seedboot::TreeDigest want;
    if (!recorded_digest(fs, root, want, err) || !extract_root(fs, root, "/", dest, err) ||
        !seedboot::tree_digest(dest, digest, err))
        return false;
    if (digest.sha256 == want.sha256 && digest.entries == want.entries) return true;
    err = dest + ": tree digest " + digest.sha256 + " (" + std::to_string(digest.entries) +
          " entries), but the guest recorded " + want.sha256 + " (" + std::to_string(want.entries) +
          ") for build root " + root;
    return false;
}

} // namespace builder
