// seedboot images: every spec in a folder, for every arch it names, as one UEFI-bootable disk
// (ESP + root + work) in OUT, with each arch's PID 1, kernel and kernel config as release
// assets, and OUT/SHA256SUMS.
#include "command.hpp"

#include "builder/release/images.hpp"

namespace builder::cli {

namespace {

int cmd_images(const ImagesRequest& a) {
    size_t count = 0;
    std::string err;
    if (!build_images(a, say, count, err)) return error(err);
    say("seedboot: " + std::to_string(count) + " disk images and SHA256SUMS in " + a.out);
    return 0;
}

} // namespace

void register_images(CLI::App& app, Action& run) {
    auto [c, a] = add_command<ImagesRequest>(
        app, run, "images",
        "every spec for every arch as a UEFI-bootable disk, with the release assets and SHA256SUMS",
        cmd_images);
    c->add_option("--specs", a->specs, "folder of image specs")->default_val("images");
    add_build_dir(*c, a->build_dir);
    c->add_option("-o,--output", a->out, "output folder")->default_val("out");
    add_sources(*c, a->sources);
    c->add_flag("--skip-missing", a->skip_missing,
                "leave out specs whose locked sources are not supplied");
    c->add_option(
         "--cli", a->clis,
         "a static seedboot CLI to ship as seedboot-ARCH, after the preflight (repeatable)")
        ->check(CLI::ExistingFile);
    c->add_option("--asset", a->assets,
                  "a file to ship beside the images and list in SHA256SUMS (repeatable)")
        ->check(CLI::ExistingFile);
    add_block_cache(*c, a->block_cache);
}

} // namespace builder::cli
