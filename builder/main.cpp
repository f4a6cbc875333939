// seedboot: the host-side builder. Packs root images, makes disks, boots them
// under QEMU, audits seeds. Each subcommand lives in cmd_<name>.cpp.
#include "commands.hpp"

#include <CLI/CLI.hpp>
#include <sodium.h>

#include <functional>

namespace {

// The chosen subcommand, run after parsing so that its errors are not CLI11's.
using Action = std::function<int()>;

void add_block_cache(CLI::App* c, std::string& dir) {
    c->add_option("--block-cache", dir,
                  "folder that keeps compressed blocks for the next run (the image does not "
                  "depend on it)");
}

void add_pack(CLI::App& app, builder::PackArgs& a, Action& run) {
    auto* c = app.add_subcommand(
        "pack", "image spec -> root squashfs (/init, /seed, /sources, /plan, /manifest)");
    c->add_option("spec", a.spec, "image spec (images/NAME.toml)")->required();
    c->add_option("--arch", a.arch, "i386, x86_64 or aarch64")->required();
    c->add_option("--init", a.init, "the static PID 1 built for the arch")->required();
    c->add_option("--build-dir", a.build_dir, "what {build} in the spec stands for")
        ->default_val("build");
    c->add_option("-o,--output", a.out, "root image to write")->required();
    c->add_option("-j,--workers", a.workers,
                  "compression threads (the output does not depend on it)");
    c->add_option("--sources", a.sources, "folder of user-supplied upstream sources ({sources})");
    add_block_cache(c, a.block_cache);
    c->callback([&] { run = [&] { return builder::cmd_pack(a); }; });
}

void add_disk(CLI::App& app, builder::DiskArgs& a, Action& run) {
    auto* c = app.add_subcommand(
        "disk", "GPT disk image: [ESP with the kernel] [root squashfs] [empty ext4 work]");
    c->add_option("--arch", a.arch, "i386, x86_64 or aarch64")->required();
    c->add_option("--root", a.root, "root squashfs for the seedboot-root partition");
    c->add_option("--work-size", a.work_size, "size of the seedboot-work partition (64M, 2G)");
    c->add_option("--work-for", a.work_for,
                  "root squashfs whose PID 1 may use this disk's work partition (a work-only "
                  "disk for direct kernel boot)");
    c->add_option("--kernel", a.kernel, "EFI-stub kernel: adds an ESP that boots it");
    c->add_option("--epoch", a.epoch, "timestamp for everything in the disk (SOURCE_DATE_EPOCH)");
    c->add_option("-o,--output", a.out, "disk image to write")->required();
    c->callback([&] { run = [&] { return builder::cmd_disk(a); }; });
}

void add_boot(CLI::App& app, builder::BootArgs& a, Action& run) {
    auto* c = app.add_subcommand(
        "boot", "pack, make the disks and boot a spec under QEMU; exit 0 iff the chain passed");
    c->add_option("spec", a.spec, "image spec (images/NAME.toml)")->required();
    c->add_option("--arch", a.arch, "i386, x86_64 or aarch64")->required();
    c->add_option("--kernel", a.kernel, "kernel image (bzImage or Image)")->required();
    c->add_option("--init", a.init, "the static PID 1 built for the arch")->required();
    c->add_option("--build-dir", a.build_dir, "what {build} in the spec stands for")
        ->default_val("build");
    c->add_option("--out-dir", a.out_dir, "where the images and console log go")->required();
    c->add_option("--sources", a.sources, "folder of user-supplied upstream sources ({sources})");
    c->add_option("--power-cut-after", a.power_cut_after,
                  "test hook: kill QEMU (like a power cut) once the console shows this text");
    c->add_flag("--uefi", a.uefi,
                "boot one disk through UEFI firmware instead of direct kernel boot");
    c->add_flag("--resume", a.resume,
                "keep the work disk of the previous run and resume its journal");
    c->add_option("--timeout", a.timeout_s,
                  "wall-clock limit in seconds (default: the spec's boot_timeout)");
    c->add_flag("-q,--quiet", a.quiet, "do not copy the console to the terminal");
    c->add_option("--disk-bus", a.disk_bus,
                  "how the disks attach: virtio, usb (a stick on xHCI), nvme or ahci (SATA)");
    c->add_flag("--screen", a.screen,
                "give the machine a display (x86 -vga std, arm64 ramfb; not shown): the guest "
                "also writes to it and holds the result there for a minute");
    c->add_option("--monitor", a.monitor, "a QEMU monitor on this unix socket (screendump)");
    c->add_option("--attach", a.attach,
                  "another disk image to attach after the run's own (repeatable)");
    c->callback([&] { run = [&] { return builder::cmd_boot(a); }; });
}

void add_images(CLI::App& app, builder::ImagesArgs& a, Action& run) {
    auto* c = app.add_subcommand(
        "images", "every spec for every arch as a UEFI-bootable disk, with SHA256SUMS");
    c->add_option("--specs", a.specs, "folder of image specs")->default_val("images");
    c->add_option("--build-dir", a.build_dir, "where the kernels and PID 1s were built")
        ->default_val("build");
    c->add_option("-o,--output", a.out, "output folder")->default_val("out");
    c->add_option("--sources", a.sources, "folder of user-supplied upstream sources ({sources})");
    c->add_flag("--skip-missing", a.skip_missing,
                "leave out specs whose locked sources are not supplied");
    add_block_cache(c, a.block_cache);
    c->callback([&] { run = [&] { return builder::cmd_images(a); }; });
}

void add_release(CLI::App& app, builder::ReleaseArgs& a, Action& run) {
    auto* c = app.add_subcommand(
        "release", "check OUT/SHA256SUMS, write OUT/INPUTS, sign both (FILE.minisig.NAME)");
    c->add_option("--dir", a.dir, "output of `seedboot images`")->required();
    c->add_option("--key", a.key, "secret key (minisign format; SEEDBOOT_KEY_PASSWORD)")
        ->required();
    c->add_option("--name", a.name, "builder name in the signature file names (default: key id)");
    c->add_option("--specs", a.specs, "folder of image specs")->default_val("images");
    c->add_option("--build-dir", a.build_dir, "where the kernels and PID 1s were built")
        ->default_val("build");
    c->callback([&] { run = [&] { return builder::cmd_release(a); }; });
}

// Reading a run back: status, extract, and packing what it produced.
void add_readback(CLI::App& app, std::string& s1, std::string& s2, std::string& s3,
                  builder::PackDirArgs& pd, Action& run) {
    auto* status = app.add_subcommand(
        "status", "steps done/total, the running or failed step's last log lines, the result");
    status->add_option("image", s1, "disk image or work image")->required();
    status->callback([&] { run = [&] { return builder::cmd_status(s1); }; });
    auto* grow = app.add_subcommand(
        "grow", "enlarge the work partition of a disk image (after a step filled it)");
    grow->add_option("disk", s1, "disk image or work image (a file)")->required();
    grow->add_option("--work-size", s2, "new size of seedboot-work (64M, 2G)")->required();
    grow->callback([&] { run = [&] { return builder::cmd_grow(s1, s2); }; });
    auto* extract = app.add_subcommand(
        "extract", "copy a tree out of the work file system (no mount, no root)");
    extract->add_option("image", s1, "disk image or work image")->required();
    extract->add_option("--path", s2, "path in the work file system")->default_val("/build");
    extract->add_option("-o,--output", s3, "host folder to create")->required();
    extract->callback([&] { run = [&] { return builder::cmd_extract(s1, s2, s3); }; });
    auto* packdir = app.add_subcommand(
        "pack-dir",
        "a folder -> deterministic squashfs rootfs (0:0, fixed mtimes, normalized modes)");
    packdir->add_option("dir", pd.dir, "folder to pack")->required();
    packdir->add_option("--epoch", pd.epoch, "every mtime (SOURCE_DATE_EPOCH)")->default_val(1);
    packdir->add_option("-o,--output", pd.out, "squashfs image to write")->required();
    add_block_cache(packdir, pd.block_cache);
    packdir->callback([&] { run = [&] { return builder::cmd_pack_dir(pd); }; });
}

void add_small(CLI::App& app, std::string& s1, std::string& s2, std::string& s3, Action& run) {
    auto* audit = app.add_subcommand(
        "audit-seed", "check that a seed binary is the exact assembly of its hex0 source");
    audit->add_option("source", s1, "annotated hex0 source")->required();
    audit->add_option("binary", s2, "seed binary")->required();
    audit->callback([&] { run = [&] { return builder::cmd_audit_seed(s1, s2); }; });
    auto* lock = app.add_subcommand(
        "lock", "print a source lock (tree digest or sha256) for a folder or file");
    lock->add_option("path", s1, "the source tree or tarball")->required();
    lock->add_option("--name", s2, "the source's name")->required();
    lock->callback([&] { run = [&] { return builder::cmd_lock(s1, s2); }; });
    auto* plan = app.add_subcommand("plan", "print the plan a spec compiles to for an arch");
    plan->add_option("spec", s1, "image spec")->required();
    plan->add_option("--arch", s2, "i386, x86_64 or aarch64")->required();
    plan->add_option("--build-dir", s3, "what {build} in the spec stands for")
        ->default_val("build");
    plan->callback([&] { run = [&] { return builder::cmd_plan(s1, s2, s3); }; });
}

} // namespace

int main(int argc, char** argv) {
    if (sodium_init() < 0) return builder::error("libsodium failed to initialise");
    CLI::App app{"seedboot: bootable, reproducible bootstrap images from a hex0 seed"};
    app.require_subcommand(1);
    builder::PackArgs pack;
    builder::DiskArgs disk;
    builder::BootArgs boot;
    builder::ImagesArgs images;
    builder::ReleaseArgs release;
    std::string s1, s2, s3;
    Action run;
    add_pack(app, pack, run);
    add_disk(app, disk, run);
    add_boot(app, boot, run);
    add_images(app, images, run);
    add_release(app, release, run);
    add_small(app, s1, s2, s3, run);
    builder::PackDirArgs pack_dir;
    add_readback(app, s1, s2, s3, pack_dir, run);
    builder::add_signing_commands(app, run);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        return builder::error(e.what());
    }
    return run();
}
