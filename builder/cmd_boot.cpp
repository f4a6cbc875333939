// seedboot boot: pack a spec for an arch, make its disks, boot it under QEMU
// and exit with the chain's result. What `make qemu-ARCH` runs.
#include "commands.hpp"
#include "disk_image.hpp"
#include "root_image.hpp"
#include "spec.hpp"

#include "machines.hpp"
#include "runner.hpp"

#include <cstdio>
#include <filesystem>

namespace builder {

namespace fs = std::filesystem;

namespace {

bool make_disks(const BootArgs& a, const Spec& spec, qemu::BootConfig& cfg, std::string& err) {
    // Both boots need the kernel (direct, or on the ESP unless a resumed UEFI disk has it):
    // say so before packing for minutes.
    std::string disk = a.out_dir + "/disk.img";
    bool reuse_disk = a.uefi && a.resume && fs::exists(disk);
    if (!reuse_disk && !fs::is_regular_file(a.kernel)) {
        err = a.kernel + ": kernel not found (build it with make kernel-" + a.arch + ")";
        return false;
    }
    std::string root = a.out_dir + "/root.sqfs";
    PackArgs pack{a.spec, a.arch, a.init, a.build_dir, root, 2, a.sources};
    if (cmd_pack(pack) != 0) {
        err = "packing the root image failed";
        return false;
    }
    DiskContent c{a.arch, "", root, 0, spec.epoch};
    if (a.uefi) {
        c.kernel = a.kernel;
        c.work_size = spec.work_size;
        if (!reuse_disk && !make_disk(c, disk, err)) return false;
        cfg.disks = {disk};
        cfg.read_only = {false};
        std::string vars_src;
        if (!qemu::uefi_firmware(a.arch, cfg.firmware_code, vars_src, err)) return false;
        cfg.firmware_vars = a.out_dir + "/efivars.fd";
        std::error_code ec;
        fs::copy_file(vars_src, cfg.firmware_vars, fs::copy_options::overwrite_existing, ec);
        if (ec) err = "copy " + vars_src + ": " + ec.message();
        return !ec;
    }
    // Direct kernel boot: the root disk attaches read-only, the work disk apart.
    cfg.kernel = a.kernel;
    std::string root_disk = a.out_dir + "/root.img", work_disk = a.out_dir + "/work.img";
    if (!make_disk(c, root_disk, err)) return false;
    DiskContent w{a.arch, "", "", spec.work_size, spec.epoch, root};
    if (!(a.resume && fs::exists(work_disk)) && !make_disk(w, work_disk, err)) return false;
    cfg.disks = {root_disk, work_disk};
    cfg.read_only = {true, false};
    return true;
}

// What QEMU would refuse only after minutes of packing.
bool check_options(const BootArgs& a, std::string& err) {
    // The machine QEMU will get, with the disks' names for now: an unknown bus, or a bus
    // that cannot carry these disks, is refused here.
    qemu::BootConfig dry;
    dry.arch = a.arch;
    dry.disk_bus = a.disk_bus;
    dry.disks = a.uefi ? std::vector<std::string>{"disk.img"}
                       : std::vector<std::string>{"root.img", "work.img"};
    dry.read_only = {!a.uefi};
    dry.disks.insert(dry.disks.end(), a.attach.begin(), a.attach.end());
    std::vector<std::string> argv;
    if (!qemu::qemu_command(dry, argv, err)) return false;
    if (a.screen && !a.uefi) {
        err = "--screen needs --uefi (the screen is the UEFI firmware's framebuffer; direct "
              "kernel boot has none)";
        return false;
    }
    for (const auto& d : a.attach)
        if (!fs::is_regular_file(d)) {
            err = "--attach " + d + ": no such disk image (expected a raw disk image file)";
            return false;
        }
    return true;
}

} // namespace

int cmd_boot(const BootArgs& a) {
    Spec spec;
    std::string err;
    if (!load_spec(a.spec, spec, err)) return error(err);
    std::error_code ec;
    fs::create_directories(a.out_dir, ec);
    if (ec) return error(a.out_dir + ": " + ec.message());
    qemu::BootConfig cfg;
    cfg.arch = a.arch;
    cfg.disk_bus = a.disk_bus;
    cfg.screen = a.screen;
    cfg.monitor = a.monitor;
    std::vector<std::string> argv;
    if (!check_options(a, err) || !make_disks(a, spec, cfg, err)) return error(err);
    cfg.disks.insert(cfg.disks.end(), a.attach.begin(), a.attach.end());
    cfg.read_only.resize(cfg.disks.size(), false);
    if (!qemu::qemu_command(cfg, argv, err)) return error(err);
    unsigned timeout = a.timeout_s ? a.timeout_s : static_cast<unsigned>(spec.boot_timeout_s);
    std::string log = a.out_dir + "/console.log";
    std::printf("seedboot: booting %s on %s (%s, %s disks), limit %u s, console also in %s\n",
                spec.name.c_str(), a.arch.c_str(), a.uefi ? "UEFI" : "direct kernel boot",
                a.disk_bus.c_str(), timeout, log.c_str());
    std::fflush(stdout);
    qemu::RunOptions opt{timeout, !a.quiet, a.power_cut_after};
    if (a.screen) opt.after_result_s += 60; // the guest's hold (init/screen.hpp)
    qemu::RunReport r = qemu::run_machine(argv, log, opt);
    if (r.outcome != qemu::Outcome::ok) {
        error(r.error);
        return qemu::exit_code(r.outcome);
    }
    std::printf("seedboot: %s on %s: ok in %.1f s wall\n", spec.name.c_str(), a.arch.c_str(),
                r.seconds);
    return 0;
}

} // namespace builder
