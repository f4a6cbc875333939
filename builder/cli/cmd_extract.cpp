// seedboot extract: copy a tree out of a run's work file system (no mount, no root).
#include "command.hpp"

#include "builder/readback/work_fs.hpp"

namespace builder::cli {

namespace {

struct ExtractArgs {
    std::string image, path, out;
};

int cmd_extract(const ExtractArgs& a) {
    WorkFs fs;
    std::string err;
    if (!open_work_fs(a.image, fs, err) || !extract_work_tree(fs, a.path, a.out, err))
        return error(err);
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
    c->add_option("--path", a->path, "path in the work file system")->default_val("/build");
    c->add_option("-o,--output", a->out, "host folder to create")->required();
}

} // namespace builder::cli
