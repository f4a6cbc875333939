// seedboot boot: pack a spec for an arch, make its disks, boot it under QEMU
// and exit with the chain's result. What `make qemu-ARCH` runs.
#include "commands.hpp"
#include "disk_image.hpp"
#include "root_image.hpp"
#include "run_verdict.hpp"
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
    DiskContent w{a.arch, "", "", spec.work_size, spec.epoch};
    if (!(a.resume && fs::exists(work_disk)) && !make_disk(w, work_disk, err)) return false;
    cfg.disks = {root_disk, work_disk};
    cfg.read_only = {true, false};
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
    std::vector<std::string> argv;
    if (!make_disks(a, spec, cfg, err) || !qemu::qemu_command(cfg, argv, err)) return error(err);
    unsigned timeout = a.timeout_s ? a.timeout_s : static_cast<unsigned>(spec.boot_timeout_s);
    std::string log = a.out_dir + "/console.log";
    std::printf("seedboot: booting %s on %s (%s), limit %u s, console also in %s\n",
                spec.name.c_str(), a.arch.c_str(), a.uefi ? "UEFI" : "direct kernel boot", timeout,
                log.c_str());
    std::fflush(stdout);
    qemu::RunReport r = qemu::run_machine(argv, log, {timeout, !a.quiet, a.power_cut_after});
    if (r.outcome != qemu::Outcome::ok) {
        error(r.error);
        return qemu::exit_code(r.outcome);
    }
    // The console is not the verdict: the work disk must say ok too.
    std::string why, disk = a.out_dir + (a.uefi ? "/disk.img" : "/work.img");
    if (!work_disk_says_ok(a.out_dir + "/root.sqfs", disk, why)) {
        error("the console said '" + r.result_line + "', but " + why + " (console in " + log + ")");
        return qemu::exit_code(qemu::Outcome::failed);
    }
    std::printf("seedboot: %s on %s: ok in %.1f s wall\n", spec.name.c_str(), a.arch.c_str(),
                r.seconds);
    return 0;
}

} // namespace builder
