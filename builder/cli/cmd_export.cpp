// seedboot export: a build root of a finished run as an OCI image layout
// (builder/export/oci_export.hpp).
#include "command.hpp"

#include "builder/export/oci_export.hpp"

namespace builder::cli {

namespace {

int cmd_export(const ExportRequest& a) {
    ExportResult r;
    std::string err;
    if (!export_oci(a, r, err)) return error(err);
    say("seedboot: exported root " + a.root + " of " + a.image + " to " + a.dir + ": " +
        std::to_string(r.layers) + " layer(s), " + std::to_string(r.bytes) +
        " bytes gzip'd, manifest " + r.manifest);
    return 0;
}

} // namespace

void register_export(CLI::App& app, Action& run) {
    auto [c, a] = add_command<ExportRequest>(
        app, run, "export", "a build root of a run as an OCI image layout (one tar per layer)",
        cmd_export);
    c->add_option("image", a->image, "disk image or work image of the run")->required();
    c->add_option("--root", a->root, "the build root (a StageX stage: s-NAME)")
        ->default_val("build");
    c->add_option("--oci", a->dir, "the OCI image layout folder to make")->required();
    c->add_flag("--squash", a->squash, "one layer: the merged root");
}

} // namespace builder::cli
