// seedboot pack-dir: a host folder -> deterministic squashfs rootfs, as it is (what a stage
// produced, extracted from its work disk).
#include "command.hpp"

#include "builder/pack/pack.hpp"

namespace builder::cli {

namespace {

int cmd_pack_dir(const PackDirRequest& a) {
    PackResult p;
    std::string err;
    if (!pack_dir(a, p, err)) return error(err);
    say(describe(a, p));
    return 0;
}

} // namespace

void register_pack_dir(CLI::App& app, Action& run) {
    auto [c, a] = add_command<PackDirRequest>(
        app, run, "pack-dir",
        "a folder -> deterministic squashfs rootfs (0:0, fixed mtimes, normalized modes)",
        cmd_pack_dir);
    c->add_option("dir", a->dir, "folder to pack")->required();
    c->add_option("--epoch", a->epoch, "every mtime (SOURCE_DATE_EPOCH)")->default_val(1);
    c->add_option("-o,--output", a->out, "squashfs image to write")->required();
    add_block_cache(*c, a->block_cache);
}

} // namespace builder::cli
