#include "builder/boot/boot.hpp"

#include "builder/disk/disk_image.hpp"
#include "builder/image/image_identity.hpp"
#include "builder/pack/pack.hpp"
#include "builder/readback/run_verdict.hpp"
#include "builder/spec/locate.hpp"
#include "builder/spec/spec.hpp"

#include "libseedboot/platform.hpp"

#include "qemu/accel_run.hpp"
#include "qemu/machines.hpp"
#include "qemu/runner.hpp"

#include <cstdio>
#include <filesystem>

namespace builder {

namespace {

namespace fs = std::filesystem;
using Say = std::function<void(const std::string&)>;

// `what` as the error; the exit status of a request refused before QEMU ran.
int fail(std::string& err, std::string what) {
    err = std::move(what);
    return 1;
}

[[nodiscard]] bool cache_size_of(const BootRequest& a, uint64_t& size, std::string& err) {
    if (parse_size(a.cache_size, size) && size >= (16ull << 20)) return true;
    err = "--cache-size '" + a.cache_size + "' (expected a size of at least 16M, like 2G)";
    return false;
}

// The layer cache (init/layers/layer_cache.hpp): a disk of its own, kept between runs, made
// when missing. A new one holds four times the work partition (at least 256 MiB).
[[nodiscard]] bool cache_disk(const BootRequest& a, const Spec& spec, const Say& say,
                              std::string& path, std::string& err) {
    path = a.cache.empty() ? a.out_dir + "/cache.img" : a.cache;
    if (fs::exists(path)) {
        if (fs::is_regular_file(path)) return true;
        err = "--cache " + path + ": not a disk image file";
        return false;
    }
    uint64_t size = std::max<uint64_t>(4 * spec.work_size, 256ull << 20);
    if (!a.cache_size.empty() && !cache_size_of(a, size, err)) return false;
    DiskContent c{.arch = a.arch, .epoch = spec.epoch, .cache_size = size};
    if (!make_disk(c, path, err)) return false;
    say("seedboot: made the layer cache " + path + " (" + std::to_string(size >> 20) + " MiB)");
    return true;
}

// UEFI: one disk (ESP + root + work) and a writable copy of the firmware's variables.
[[nodiscard]] bool uefi_disk(const BootRequest& a, DiskContent c, const std::string& disk,
                             bool reuse, qemu::BootConfig& cfg, std::string& err) {
    if (!reuse && !make_disk(c, disk, err)) return false;
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
[[nodiscard]] bool direct_disks(const BootRequest& a, const Spec& spec, const DiskContent& c,
                                const std::string& kernel, qemu::BootConfig& cfg,
                                std::string& err) {
    cfg.kernel = kernel;
    std::string root_disk = a.out_dir + "/root.img", work_disk = a.out_dir + "/work.img";
    if (!make_disk(c, root_disk, err)) return false;
    DiskContent w{.arch = a.arch,
                  .work_size = spec.work_size,
                  .epoch = spec.epoch,
                  .work_identity = c.work_identity};
    if (!(a.resume && fs::exists(work_disk)) && !make_disk(w, work_disk, err)) return false;
    cfg.disks = {root_disk, work_disk};
    cfg.read_only = {true, false};
    return true;
}

[[nodiscard]] bool make_disks(const BootRequest& a, const Spec& spec, const Say& say,
                              qemu::BootConfig& cfg, std::string& err) {
    // Both boots need the kernel (direct, or on the ESP unless a resumed UEFI disk has it):
    // say so before packing for minutes.
    std::string disk = a.out_dir + "/disk.img";
    bool reuse_disk = a.uefi && a.resume && fs::exists(disk);
    Located kernel;
    const seedboot::Arch& arch = *seedboot::find_arch(a.arch); // known: check_options
    if (!reuse_disk && !locate_kernel(a.kernel, a.build_dir, arch, kernel, err)) return false;
    PackRequest pack{.spec = a.spec,
                     .arch = a.arch,
                     .init = a.init,
                     .build_dir = a.build_dir,
                     .sources = a.sources,
                     .until = a.until,
                     .out = a.out_dir + "/root.sqfs"};
    PackResult packed;
    if (!pack_spec(pack, packed, err)) return false;
    say(describe(pack, packed));
    DiskContent c{.arch = a.arch, .root = pack.out, .epoch = spec.epoch};
    // The PID 1 takes only a work partition whose PARTUUID is its image's identity.
    if (!read_image_identity(pack.out, c.work_identity, err)) return false;
    if (!a.uefi) return direct_disks(a, spec, c, kernel.path, cfg, err);
    c.kernel = kernel.path;
    c.work_size = spec.work_size;
    return uefi_disk(a, c, disk, reuse_disk, cfg, err);
}

// MemTotal from /proc/meminfo; 0 when it cannot be read (then nothing is checked against it).
uint64_t host_memory() {
    FILE* f = std::fopen("/proc/meminfo", "re");
    unsigned long long kib = 0;
    if (!f) return 0;
    if (std::fscanf(f, "MemTotal: %llu kB", &kib) != 1) kib = 0;
    std::fclose(f);
    return static_cast<uint64_t>(kib) << 10;
}

// --cpus wins over the spec's [image] cpus; neither: one per host core.
unsigned guest_cpus(const BootRequest& a, const Spec& spec) {
    return a.cpus ? a.cpus : static_cast<unsigned>(spec.cpus);
}

// --memory wins over the spec's [image] memory. Checked as the spec's is, and against the
// host: QEMU would start a guest larger than the host's RAM and swap it to a crawl.
[[nodiscard]] bool guest_memory(const BootRequest& a, const Spec& spec, uint64_t& bytes,
                                std::string& err) {
    bytes = spec.memory;
    if (!a.memory.empty() && (!parse_size(a.memory, bytes) || !memory_ok(bytes))) {
        err = "--memory '" + a.memory + "' (expected " + kMemoryExpected + ")";
        return false;
    }
    std::string what = a.memory.empty() ? spec.file + ": [image] memory" : std::string("--memory");
    uint64_t board = uint64_t{qemu::memory_limit_mib(a.arch)} << 20;
    if (board != 0 && bytes > board) {
        err = what + ": " + std::to_string(bytes >> 20) + " MiB is more than an " + a.arch +
              " guest can use (expected at most " + std::to_string(board >> 20) +
              " MiB: the q35 board puts more above 4 GiB, out of reach of the HIGHMEM4G kernel)";
        return false;
    }
    uint64_t host = host_memory();
    if (host == 0 || bytes <= host) return true;
    err = what + ": " + std::to_string(bytes >> 20) + " MiB is more than this host's " +
          std::to_string(host >> 20) + " MiB of RAM (expected at most that)";
    return false;
}

std::string cpus_text(unsigned cpus) {
    if (cpus == 0) return "a CPU per host core";
    return std::to_string(cpus) + (cpus == 1 ? " CPU" : " CPUs");
}

// What QEMU would refuse only after minutes of packing.
[[nodiscard]] bool check_options(const BootRequest& a, const Spec& spec, qemu::AccelChoice& accel,
                                 std::string& err) {
    accel.test_silent_kvm = a.test_silent_kvm;
    if (!qemu::parse_accel(a.accel, accel.accel, err) || !qemu::check_accel(accel, a.arch, err))
        return false;
    if (a.test_silent_kvm && accel.accel != qemu::Accel::automatic) {
        err = "--test-silent-kvm needs --accel auto (it stands in for KVM's attempt)";
        return false;
    }
    // The machine QEMU will get, with the disks' names for now: an unknown bus, or a bus
    // that cannot carry these disks, is refused here.
    qemu::BootConfig dry;
    dry.arch = a.arch;
    dry.disk_bus = a.disk_bus;
    dry.cpus = guest_cpus(a, spec);
    dry.disks = a.uefi ? std::vector<std::string>{"disk.img"}
                       : std::vector<std::string>{"root.img", "work.img"};
    dry.read_only = {!a.uefi};
    if (!a.no_cache) dry.disks.push_back("cache.img");
    dry.disks.insert(dry.disks.end(), a.attach.begin(), a.attach.end());
    std::vector<std::string> argv;
    if (!qemu::qemu_command(dry, argv, err)) {
        if (!a.cpus && spec.cpus) err = spec.file + ": [image] cpus: " + err;
        return false;
    }
    uint64_t size = 0;
    if (!a.cache_size.empty() && !cache_size_of(a, size, err)) return false;
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

[[nodiscard]] int boot_spec(const BootRequest& a, const Say& say, std::string& err) {
    Spec spec;
    if (!load_spec(a.spec, spec, err) || !apply_options(spec, a.sources, a.until, err)) return 1;
    std::error_code ec;
    fs::create_directories(a.out_dir, ec);
    if (ec) return fail(err, a.out_dir + ": " + ec.message());
    qemu::BootConfig cfg;
    cfg.arch = a.arch;
    cfg.disk_bus = a.disk_bus;
    cfg.screen = a.screen;
    cfg.monitor = a.monitor;
    cfg.cpus = guest_cpus(a, spec);
    uint64_t memory = 0;
    if (!guest_memory(a, spec, memory, err)) return 1;
    cfg.memory_mb = static_cast<unsigned>(memory >> 20);
    qemu::AccelChoice accel;
    if (!check_options(a, spec, accel, err) || !make_disks(a, spec, say, cfg, err)) return 1;
    std::string cache;
    if (!a.no_cache && !cache_disk(a, spec, say, cache, err)) return 1;
    if (!cache.empty()) cfg.disks.push_back(cache);
    cfg.disks.insert(cfg.disks.end(), a.attach.begin(), a.attach.end());
    cfg.read_only.resize(cfg.disks.size(), false);
    unsigned timeout = a.timeout_s ? a.timeout_s : static_cast<unsigned>(spec.boot_timeout_s);
    std::string log = a.out_dir + "/console.log";
    say("seedboot: booting " + spec.name + " on " + a.arch + " (" +
        (a.uefi ? "UEFI" : "direct kernel boot") + ", " + a.disk_bus + " disks, accel " + a.accel +
        ", " + cpus_text(cfg.cpus) + ", " + std::to_string(cfg.memory_mb) + " MiB" +
        (cache.empty() ? ", no layer cache" : ", layer cache " + cache) + "), limit " +
        std::to_string(timeout) + " s, console also in " + log);
    qemu::RunOptions opt{timeout, !a.quiet, a.power_cut_after};
    // A run counts once the guest powers off; with a screen it holds the result there for
    // a minute first (init/console/screen.hpp).
    if (a.screen) opt.timeout_s += 60;
    qemu::RunReport r = qemu::run_with_accel(cfg, accel, log, opt, say);
    if (r.outcome != qemu::Outcome::ok) {
        err = r.error;
        return qemu::exit_code(r.outcome);
    }
    // The console is not the verdict: the work disk must say ok too.
    std::string why, disk = a.out_dir + (a.uefi ? "/disk.img" : "/work.img");
    if (!work_disk_says_ok(a.out_dir + "/root.sqfs", disk, why)) {
        err = "the console said '" + r.result_line + "', but " + why + " (console in " + log + ")";
        return qemu::exit_code(qemu::Outcome::failed);
    }
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", r.seconds);
    say("seedboot: " + spec.name + " on " + a.arch + ": ok in " + seconds + " s wall");
    return 0;
}

} // namespace builder
