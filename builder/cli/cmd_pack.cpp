// seedboot pack: image spec -> deterministic root squashfs.
#include "command.hpp"

#include "builder/pack/pack.hpp"

namespace builder::cli {

namespace {

int cmd_pack(const PackRequest& a) {
    PackResult p;
    std::string err;
    if (!pack_spec(a, p, err)) return error(err);
    say(describe(a, p));
    return 0;
}

} // namespace

void register_pack(CLI::App& app, Action& run) {
    auto [c, a] = add_command<PackRequest>(
        app, run, "pack", "image spec -> root squashfs (/init, /seed, /sources, /plan, /manifest)",
        cmd_pack);
    c->add_option("spec", a->spec, "image spec (images/NAME.toml)")->required();
    add_arch(*c, a->arch);
    add_init(*c, a->init);
    add_build_dir(*c, a->build_dir);
    c->add_option("-o,--output", a->out, "root image to write")->required();
    c->add_option("-j,--workers", a->workers,
                  "compression threads (the output does not depend on it)");
    add_sources(*c, a->sources);
    add_block_cache(*c, a->block_cache);
}

} // namespace builder::cli
