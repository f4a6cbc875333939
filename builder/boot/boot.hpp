// Booting a spec: pack it for an arch, make its disks and the layer cache, boot it under QEMU
// and take the verdict from the work disk as well as the console. What `seedboot boot` (and so
// `make qemu-ARCH`) runs; the command itself only reads the command line.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace builder {

struct BootRequest {
    std::string spec, arch, kernel, init, build_dir, out_dir;
    std::string sources, until;
    bool uefi = false;
    bool resume = false;    // keep the work disk of the previous run
    unsigned timeout_s = 0; // 0: the spec's boot_timeout
    bool quiet = false;
    std::string power_cut_after;     // test hook, see qemu::RunOptions
    std::string disk_bus = "virtio"; // qemu::BootConfig::disk_bus
    bool screen = false;             // a display (not shown); the guest holds the result on it
    std::string monitor;             // a QEMU monitor socket (screendump)
    std::vector<std::string> attach; // more disks after the run's own (another seedboot disk)
    std::string accel = "tcg";       // qemu::Accel by name
    bool test_silent_kvm = false;    // test hook, see qemu::AccelChoice
    unsigned cpus = 0;               // 0: one per host core
    std::string memory;              // guest RAM; empty: the spec's [image] memory
    std::string cache;               // the layer cache disk; empty: OUT/cache.img
    std::string cache_size;          // for a new one; empty: 4 x the work partition
    bool no_cache = false;           // attach none: every step runs
};

// Boots r.spec as the request says; `say` gets each line of progress. Returns the exit status
// of qemu::exit_code (0: the chain passed and the work disk agrees); otherwise `err` says why.
[[nodiscard]] int boot_spec(const BootRequest& r,
                            const std::function<void(const std::string&)>& say, std::string& err);

} // namespace builder
