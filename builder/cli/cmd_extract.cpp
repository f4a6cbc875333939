// seedboot extract: copy a tree out of a run's work file system (no mount, no root), or a
// StageX stage's output root, checked against the digest the guest recorded.
#include "command.hpp"

#include "builder/readback/stage_output.hpp"
#include "builder/readback/work_fs.hpp"

namespace builder::cli {

namespace {

struct ExtractArgs {
    std::string image, path, root, out;
};

int extract_root(WorkFs& fs, const ExtractArgs& a) {
    seedboot::TreeDigest d;
    std::string err;
    if (!extract_stage_root(fs, a.root, a.out, d, err)) return error(a.image + ": " + err);
    say("seedboot: extracted build root " + a.root + " of " + a.image + " to " + a.out +
        ": tree digest " + d.sha256 + " (" + std::to_string(d.entries) +
        " entries), as the guest recorded");
    return 0;
}

int cmd_extract(const ExtractArgs& a) {
    WorkFs fs;
    std::string err;
    if (!open_work_fs(a.image, fs, err)) return error(err);
    if (!a.root.empty()) return extract_root(fs, a);
    if (!extract_work_tree(fs, a.path, a.out, err)) return error(err);
    say("seedboot: extracted " + a.image + ":" + a.path + " to " + a.out +
        (fs.recovered ? " (after replaying its journal on a private copy)" : ""));
    return 0;
}

} // namespace

void register_extract(CLI::App& app, Action& run) {
    auto [c, a] = add_command<ExtractArgs>(
        app, run, "extract", "copy a tree out of the work file system (no mount, no root)",
        cmd_extract);
    c->add_option("image", a->image, "disk image or work image")->required();
    auto path =
        c->add_option("--path", a->path, "path in the work file system")->default_val("/build");
    c->add_option("--root", a->root,
                  "a StageX build root (/roots/NAME), checked against the run's /result")
        ->excludes(path);
    c->add_option("-o,--output", a->out, "host folder to create")->required();
}

} // namespace builder::cli
