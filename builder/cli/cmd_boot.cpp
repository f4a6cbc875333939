// seedboot boot: pack a spec for an arch, make its disks, boot it under QEMU and exit with the
// chain's result (builder/boot/boot.hpp does it). What `make qemu-ARCH` runs.
#include "command.hpp"

#include "builder/boot/boot.hpp"

namespace builder::cli {

namespace {

int cmd_boot(const BootRequest& r) {
    std::string err;
    int status = boot_spec(r, say, err);
    if (status != 0) error(err);
    return status;
}

} // namespace

void register_boot(CLI::App& app, Action& run) {
    auto [c, a] = add_command<BootRequest>(
        app, run, "boot",
        "pack, make the disks and boot a spec under QEMU; exit 0 iff the chain passed", cmd_boot);
    c->add_option("spec", a->spec, "image spec (images/NAME.toml)")->required();
    add_arch(*c, a->arch);
    c->add_option("--kernel", a->kernel,
                  "kernel image, bzImage or Image (default: $SEEDBOOT_KERNEL_ARCH, the build "
                  "folder's, or the installed one)");
    add_init(*c, a->init);
    add_build_dir(*c, a->build_dir);
    c->add_option("--out-dir", a->out_dir, "where the images and console log go")->required();
    add_sources(*c, a->sources);
    c->add_option("--until", a->until, "end with this step (StageX stages: see `seedboot plan`)");
    c->add_option("--power-cut-after", a->power_cut_after,
                  "test hook: kill QEMU (like a power cut) once the console shows this text");
    c->add_flag("--uefi", a->uefi,
                "boot one disk through UEFI firmware instead of direct kernel boot");
    c->add_flag("--resume", a->resume,
                "keep the work disk of the previous run and resume its journal");
    c->add_option("--timeout", a->timeout_s,
                  "wall-clock limit in seconds (default: the spec's boot_timeout)");
    c->add_flag("-q,--quiet", a->quiet, "do not copy the console to the terminal");
    c->add_option("--disk-bus", a->disk_bus,
                  "how the disks attach: virtio, usb (a stick on xHCI), nvme or ahci (SATA)");
    c->add_flag("--screen", a->screen,
                "give the machine a display (x86 -vga std, arm64 ramfb; not shown): the guest "
                "also writes to it and holds the result there for a minute");
    c->add_option("--monitor", a->monitor, "a QEMU monitor on this unix socket (screendump)");
    c->add_option("--attach", a->attach,
                  "another disk image to attach after the run's own (repeatable)");
    c->add_option("--accel", a->accel,
                  "kvm, tcg (default) or auto: KVM when usable, TCG if its guest stays silent");
    c->add_flag("--test-silent-kvm", a->test_silent_kvm,
                "test hook for --accel auto: a stopped QEMU (-S) stands in for a KVM guest that "
                "hangs before Linux, so the fallback to TCG runs on any host");
    c->add_option("--cache", a->cache,
                  "the layer cache disk, kept between runs (default OUT/cache.img, made when "
                  "missing; delete it to empty the cache)");
    c->add_option("--cache-size", a->cache_size,
                  "size of a new layer cache disk (default 4 x the work partition, at least 256M)");
    c->add_flag("--no-cache", a->no_cache, "attach no layer cache: every step runs");
    c->add_option("--memory", a->memory,
                  "guest RAM, like 3G (default: the spec's [image] memory, else 1G)");
    c->add_option("--cpus", a->cpus,
                  "guest CPUs (default: the spec's [image] cpus, else one per host core)")
        ->check(CLI::Range(1u, 256u));
}

} // namespace builder::cli
