#include "layered_root.hpp"

#include <algorithm>
#include <map>

namespace builder {

namespace {

[[nodiscard]] bool parse_run(WorkFs& fs, RunRecord& r, std::string& err) {
    std::string text;
    if (!read_work_file(fs, "/plan", text, err) ||
        !seedboot::parse_plan(text, fs.image() + ":/plan", r.plan, err))
        return false;
    text.clear();
    std::string missing;
    if (read_work_file(fs, "/state", text, missing) &&
        !seedboot::parse_journal(text, fs.image() + ":/state", r.journal, err))
        return false;
    // What a damaged line and everything after it say is not trusted: the replay stops there.
    return seedboot::replay_stacks(r.plan, r.journal, r.replay, err);
}

// Whether an entry of a lower layer at `path` is hidden by what the layers above have put on
// its folders: a non-folder (a file, a link, a whiteout) or an opaque folder above it.
[[nodiscard]] bool hidden(const std::map<std::string, RootEntry>& seen,
                          const std::map<std::string, size_t>& opaque_at, const std::string& path,
                          size_t level) {
    for (size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0;
         slash = path.rfind('/', slash - 1)) {
        std::string up = path.substr(0, slash);
        auto it = seen.find(up);
        if (it != seen.end() && it->second.entry.type != 'd') return true;
        auto op = opaque_at.find(up);
        if (op != opaque_at.end() && op->second < level) return true;
    }
    return false;
}

[[nodiscard]] bool is_whiteout(const WorkFsEntry& e) {
    return e.type == 'c' && e.rdev_major == 0 && e.rdev_minor == 0;
}

} // namespace

[[nodiscard]] bool read_run(WorkFs& fs, RunRecord& out, std::string& err) {
    RunRecord r;
    if (!parse_run(fs, r, err)) return false;
    out = std::move(r);
    return true;
}

[[nodiscard]] bool find_root(const RunRecord& run, const std::string& name, seedboot::Stack& out,
                             std::string& err) {
    auto it = run.replay.roots.find(name);
    if (it != run.replay.roots.end()) {
        out = it->second;
        return true;
    }
    std::string have;
    for (const auto& [root, st] : run.replay.roots) have += (have.empty() ? "" : ", ") + root;
    err = "the run has no build root '" + name +
          "' (its finished steps made: " + (have.empty() ? std::string("none") : have) + ")";
    return false;
}

[[nodiscard]] bool list_layer(WorkFs& fs, const std::string& layer, std::vector<RootEntry>& out,
                              std::string& err) {
    std::string top = "/layers/" + layer;
    std::vector<WorkFsEntry> entries;
    if (!list_work_tree(fs, top, entries, err)) return false;
    out.clear();
    for (auto& e : entries) {
        RootEntry r{e, e.path};
        r.entry.path = e.path.substr(top.size());
        out.push_back(std::move(r));
    }
    return true;
}

[[nodiscard]] bool merge_root(WorkFs& fs, const seedboot::Stack& stack, std::vector<RootEntry>& out,
                              std::string& err) {
    std::map<std::string, RootEntry> seen;   // path -> the entry the view shows (or a whiteout)
    std::map<std::string, size_t> opaque_at; // an opaque folder's path -> its level (0: top)
    size_t level = 0;
    for (auto it = stack.layers.rbegin(); it != stack.layers.rend(); ++it, ++level) {
        std::vector<RootEntry> entries;
        if (!list_layer(fs, it->name, entries, err)) return false;
        for (auto& r : entries) {
            if (hidden(seen, opaque_at, r.entry.path, level)) continue;
            if (r.entry.type == 'd' && r.entry.opaque) opaque_at.emplace(r.entry.path, level);
            seen.emplace(r.entry.path, std::move(r)); // an upper one stays
        }
    }
    out.clear();
    for (auto& [path, r] : seen)
        if (!is_whiteout(r.entry)) out.push_back(std::move(r));
    return true;
}

} // namespace builder
