#include "stage_output.hpp"

#include "builder/readback/layered_root.hpp"

#include "libseedboot/format/result.hpp"

namespace builder {

namespace {

// The tree digest an ok /result records for `root`.
[[nodiscard]] bool recorded_digest(WorkFs& fs, const std::string& root, seedboot::TreeDigest& want,
                                   std::string& err) {
    std::string text;
    seedboot::RunResult r;
    if (!read_work_file(fs, "/result", text, err) ||
        !seedboot::parse_result(text, "/result", r, err))
        return false;
    if (!r.ok) {
        err = "/result does not say the run passed (" + seedboot::result_line(r) +
              "): a stage's output is taken only from a run that passed";
        return false;
    }
    if (r.tree_root == root) {
        want.sha256 = r.tree_sha256;
        want.entries = r.tree_entries;
        return true;
    }
    err = "/result records no tree digest for build root " + root +
          " (expected the plan's digest root)";
    return false;
}

} // namespace

[[nodiscard]] bool extract_root(WorkFs& fs, const std::string& root, const std::string& below,
                                const std::string& dest, std::string& err) {
    RunRecord run;
    seedboot::Stack stack;
    std::vector<RootEntry> entries;
    return read_run(fs, run, err) && find_root(run, root, stack, err) &&
           merge_root(fs, stack, entries, err) &&
           extract_root_entries(fs, entries, below, dest, err);
}

[[nodiscard]] bool extract_stage_root(WorkFs& fs, const std::string& root, const std::string& dest,
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
