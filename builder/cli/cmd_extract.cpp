// seedboot extract: copy a tree out of a run's work file system (no mount, no root), or a
// StageX stage's output root, checked against the digest the guest recorded.
#include "command.hpp"

#include "builder/readback/stage_output.hpp"
#include "builder/readback/work_fs.hpp"

namespace builder::cli {

namespace {

struct ExtractArgs { // path empty: the whole root (--root), else /build
    std::string image, path, root, out;
};

int extract_checked_root(WorkFs& fs, const ExtractArgs& a) {
    seedboot::TreeDigest d;
    std::string err;
    if (!extract_stage_root(fs, a.root, a.out, d, err)) return error(a.image + ": " + err);
    say("seedboot: extracted build root " + a.root + " of " + a.image + " to " + a.out +
        ": tree digest " + d.sha256 + " (" + std::to_string(d.entries) +
        " entries), as the guest recorded");
    return 0;
}

// /build/X is X of the build tree, whose layers are merged; any other path is one of the work
// file system itself (/logs, /aside, ...).
int cmd_extract(const ExtractArgs& a) {
    WorkFs fs;
    std::string err;
    if (!open_work_fs(a.image, fs, err)) return error(err);
    if (!a.root.empty() && a.path.empty()) return extract_checked_root(fs, a);
    std::string root = a.root, below = a.path.empty() ? "/build" : a.path;
    if (root.empty() && (below == "/build" || below.rfind("/build/", 0) == 0)) {
        root = "build";
        below = below.size() > 6 ? below.substr(6) : "/";
    }
    bool ok = root.empty() ? extract_work_tree(fs, below, a.out, err)
                           : builder::extract_root(fs, root, below, a.out, err);
    if (!ok) return error(a.image + ": " + err);
    say("seedboot: extracted " + a.image + ":" + (root.empty() ? "" : "root " + root + " ") +
        below + " to " + a.out +
        (fs.recovered ? " (after replaying its journal on a private copy)" : ""));
    return 0;
}

} // namespace

void register_extract(CLI::App& app, Action& run) {
    auto [c, a] = add_command<ExtractArgs>(
        app, run, "extract", "copy a tree out of the work file system (no mount, no root)",
        cmd_extract);
    c->add_option("image", a->image, "disk image or work image")->required();
    c->add_option("--path", a->path,
                  "a path of the work file system (/logs, /aside; /build/...: of the build "
                  "tree's merged layers), or, with --root, of that root");
    c->add_option("--root", a->root,
                  "a build root, its layers merged (a StageX stage: s-NAME); alone, checked "
                  "against the tree digest the run's /result records");
    c->add_option("-o,--output", a->out, "host folder to create")->required();
}

} // namespace builder::cli
