// seedboot release: check OUT/SHA256SUMS, write OUT/INPUTS, sign both (FILE.minisig.NAME).
#include "command.hpp"

#include "builder/release/release.hpp"

namespace builder::cli {

namespace {

int cmd_release(const ReleaseRequest& a) {
    std::string err;
    return make_release(a, say, err) ? 0 : error(err);
}

} // namespace

void register_release(CLI::App& app, Action& run) {
    auto [c, a] = add_command<ReleaseRequest>(
        app, run, "release",
        "check OUT/SHA256SUMS, write OUT/INPUTS, sign both (FILE.minisig.NAME)", cmd_release);
    c->add_option("--dir", a->dir, "output of `seedboot images`")->required();
    c->add_option("--key", a->key, "secret key (minisign format; SEEDBOOT_KEY_PASSWORD)")
        ->required();
    c->add_option("--name", a->name, "builder name in the signature file names (default: key id)");
    c->add_option("--specs", a->specs, "folder of image specs")->default_val("images");
    add_build_dir(*c, a->build_dir);
}

} // namespace builder::cli
