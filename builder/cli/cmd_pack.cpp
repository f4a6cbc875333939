// seedboot pack: image spec -> deterministic root squashfs.
#include "command.hpp"

#include "builder/image/pack.hpp"

#include "libseedboot/platform.hpp"

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
    c->add_option("--arch", a->arch, std::string(seedboot::kArchNames))->required();
    add_init(*c, a->init);
    c->add_option("--build-dir", a->build_dir, "what {build} in the spec stands for")
        ->default_val("build");
    c->add_option("-o,--output", a->out, "root image to write")->required();
    c->add_option("-j,--workers", a->workers,
                  "compression threads (the output does not depend on it)");
    c->add_option("--sources", a->sources, "folder of user-supplied upstream sources ({sources})");
    add_block_cache(*c, a->block_cache);
}

} // namespace builder::cli
