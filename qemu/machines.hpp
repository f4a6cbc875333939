// The QEMU machine for each arch: which emulator, which board, how the disks
// attach, and how the kernel boots (directly, or through UEFI firmware).
#pragma once

#include <string>
#include <vector>

namespace qemu {

struct BootConfig {
    std::string arch;               // i386, x86_64, aarch64
    std::string kernel;             // direct kernel boot; empty for UEFI
    std::vector<std::string> disks; // raw images, attached in order (the first one boots)
    std::vector<bool> read_only;    // one per disk
    std::string firmware_code;      // UEFI: read-only firmware
    std::string firmware_vars;      // UEFI: a writable copy of the variable store
    unsigned memory_mb = 1024;
    unsigned cpus = 0; // 0: one per host core (qemu_command asks the host)
    // How the disks attach, as on real machines: "virtio" (default), "usb" (USB sticks on an
    // xHCI controller), "nvme" (one NVMe controller each), "ahci" (SATA disks on AHCI).
    std::string disk_bus = "virtio";
    bool screen = false; // a display the firmware draws on (x86 -vga std, arm64 ramfb), not shown
    std::string monitor; // non-empty: a QEMU monitor on this unix socket (screendump, quit)
    bool kvm = false;    // -accel kvm instead of tcg (accel.hpp: who may ask for it)
};

// "virtio, usb, nvme or ahci"
const char* disk_buses();

// The full QEMU command line; false + err for an unknown arch or disk bus.
[[nodiscard]] bool qemu_command(const BootConfig& cfg, std::vector<std::string>& argv,
                                std::string& err);

// The most guest RAM `arch` can use on its board with seedboot's kernel, in MiB; 0: no limit
// but the host's. i386: q35 puts RAM past 2815 MiB above 4 GiB, out of the reach of a
// HIGHMEM4G kernel (kernel-config/i386.config says why not PAE).
unsigned memory_limit_mib(const std::string& arch);

// Debian's UEFI firmware for `arch` (code, pristine variable store).
[[nodiscard]] bool uefi_firmware(const std::string& arch, std::string& code, std::string& vars,
                                 std::string& err);

} // namespace qemu
