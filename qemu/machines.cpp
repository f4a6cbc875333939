#include "machines.hpp"

#include "accel.hpp"

#include "libseedboot/platform.hpp"

#include <filesystem>
#include <sched.h>
#include <unistd.h>

namespace qemu {

namespace {

// The cores this process may run on (a cpuset or `taskset` narrows them, as `nproc` says):
// more vCPU threads than that would only take turns on them.
unsigned host_cores() {
    cpu_set_t set;
    if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return static_cast<unsigned>(CPU_COUNT(&set));
    long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? static_cast<unsigned>(online) : 1;
}

struct Machine {
    seedboot::ArchId arch;
    const char* emulator;
    std::vector<std::string> board;
    const char* uefi_code;
    const char* uefi_vars;
    const char* disk_device; // DISK=virtio: over PCI on x86; over MMIO on arm64 virt
    unsigned max_cpus;       // the board's limit (arm64 virt with its default GICv2: 8)
    unsigned max_memory_mib; // 0: none (memory_limit_mib)
};

// No network card, no display (unless asked for), no default devices: the serial
// console is the only way in or out. -no-reboot turns the kernel's panic reboot into an exit.
const std::vector<Machine>& machines() {
    static const std::vector<Machine> m = {
        {seedboot::ArchId::x86_64,
         "qemu-system-x86_64",
         {"-machine", "q35", "-cpu", "max"},
         "/usr/share/OVMF/OVMF_CODE_4M.fd",
         "/usr/share/OVMF/OVMF_VARS_4M.fd",
         "virtio-blk-pci",
         255,
         0},
        {seedboot::ArchId::i386,
         "qemu-system-i386",
         {"-machine", "q35,smm=on", "-cpu", "max", "-global",
          "driver=cfi.pflash01,property=secure,value=on"},
         "/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd",
         "/usr/share/OVMF/OVMF32_VARS_4M.fd",
         "virtio-blk-pci",
         255,
         // q35 keeps RAM below 4 GiB only while there is less than 0xb0000000 of it.
         2815},
        {seedboot::ArchId::aarch64,
         "qemu-system-aarch64",
         {"-machine", "virt", "-cpu", "cortex-a57"},
         "/usr/share/AAVMF/AAVMF_CODE.fd",
         "/usr/share/AAVMF/AAVMF_VARS.fd",
         "virtio-blk-device",
         8,
         0},
    };
    return m;
}

const Machine* find(const std::string& arch) {
    const seedboot::Arch* a = seedboot::find_arch(arch);
    for (const auto& m : machines())
        if (a && a->id == m.arch) return &m;
    return nullptr;
}

// The controller the disks hang off, if the bus needs one added: q35 has AHCI on board
// (buses ide.0 to ide.5); arm64 virt gets the same ICH9 AHCI on PCI.
void add_controller(const Machine& m, const std::string& bus, std::vector<std::string>& argv) {
    if (bus == "usb") argv.insert(argv.end(), {"-device", "qemu-xhci,id=xhci"});
    if (bus == "ahci" && m.arch == seedboot::ArchId::aarch64)
        argv.insert(argv.end(), {"-device", "ich9-ahci,id=ahci"});
}

// The -device for disk `i` (drive d<i>) on `bus`.
std::string disk_device(const Machine& m, const std::string& bus, size_t i) {
    std::string n = std::to_string(i), drive = ",drive=d" + n;
    if (bus == "usb") return "usb-storage,bus=xhci.0" + drive;
    if (bus == "nvme") return "nvme,serial=seedboot" + n + drive;
    if (bus == "ahci")
        return std::string("ide-hd,bus=") +
               (m.arch == seedboot::ArchId::aarch64 ? "ahci." : "ide.") + n + drive;
    return m.disk_device + drive;
}

} // namespace

const char* disk_buses() {
    return "virtio, usb, nvme or ahci";
}

[[nodiscard]] bool qemu_command(const BootConfig& cfg, std::vector<std::string>& argv,
                                std::string& err) {
    const Machine* m = find(cfg.arch);
    if (!m) {
        err =
            "unknown arch '" + cfg.arch + "' (expected " + std::string(seedboot::kArchNames) + ")";
        return false;
    }
    const std::string& bus = cfg.disk_bus;
    if (bus != "virtio" && bus != "usb" && bus != "nvme" && bus != "ahci") {
        err = "unknown disk bus '" + bus + "' (expected " + disk_buses() + ")";
        return false;
    }
    // Measured: Debian 12's AAVMF finds no disk on an ICH9 AHCI card ("map: No mapping
    // found"), so such a machine would sit in the UEFI shell until the time limit.
    if (bus == "ahci" && cfg.kernel.empty() && m->arch == seedboot::ArchId::aarch64) {
        err = "disk bus 'ahci' on aarch64 under UEFI: AAVMF (Debian 12) has no AHCI driver and "
              "cannot boot from it (expected usb, nvme or virtio)";
        return false;
    }
    if (bus == "ahci" && cfg.disks.size() > 6) {
        err = std::to_string(cfg.disks.size()) + " disks on AHCI (it has 6 ports)";
        return false;
    }
    for (bool ro : cfg.read_only)
        if (ro && bus == "ahci") {
            err = "QEMU's SATA disks cannot be read-only, and direct kernel boot attaches the root "
                  "disk read-only (boot through UEFI with one disk, or use another bus)";
            return false;
        }
    argv = {m->emulator};
    // Under UEFI the arm64 kernel gets ACPI tables, as on most arm64 machines that boot UEFI
    // (direct kernel boot hands it the device tree).
    argv.insert(argv.end(), m->board.begin(), m->board.end());
    argv.push_back("-nodefaults");
    if (!cfg.screen)
        argv.push_back("-nographic");
    else if (m->arch == seedboot::ArchId::aarch64)
        argv.insert(argv.end(), {"-display", "none", "-device", "ramfb"});
    else
        argv.insert(argv.end(), {"-display", "none", "-vga", "std"});
    std::string monitor =
        cfg.monitor.empty() ? "none" : "unix:" + cfg.monitor + ",server=on,wait=off";
    for (const std::string& a :
         {std::string("-no-reboot"), std::string("-nic"), std::string("none"),
          std::string("-monitor"), monitor, std::string("-serial"), std::string("stdio")})
        argv.push_back(a);
    // Every host core, each a host thread (multi-threaded TCG: QEMU 7.2 runs x86, x86_64
    // and arm64 guests so on an x86_64 host), so that the PID 1, a step and the kernel's
    // own work (writeback, decompression) run side by side.
    // (Every kernel of kernel-config/ is SMP; the i386 one brings up at most 8: NR_CPUS.)
    unsigned cpus = cfg.cpus ? cfg.cpus : host_cores();
    if (cpus > m->max_cpus) {
        if (cfg.cpus) {
            err = std::to_string(cfg.cpus) + " CPUs for " + cfg.arch +
                  " (its QEMU board takes at most " + std::to_string(m->max_cpus) + ")";
            return false;
        }
        cpus = m->max_cpus;
    }
    auto accel = accel_args(cfg.kvm);
    argv.insert(argv.end(), accel.begin(), accel.end());
    argv.insert(argv.end(), {"-m", std::to_string(cfg.memory_mb), "-smp", std::to_string(cpus)});
    if (!cfg.kernel.empty()) {
        argv.insert(argv.end(), {"-kernel", cfg.kernel});
    } else {

        argv.insert(argv.end(),
                    {"-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + cfg.firmware_code,
                     "-drive", "if=pflash,format=raw,unit=1,file=" + cfg.firmware_vars});
    }
    add_controller(*m, bus, argv);
    for (size_t i = 0; i < cfg.disks.size(); ++i) {
        std::string ro = i < cfg.read_only.size() && cfg.read_only[i] ? ",readonly=on" : "";
        // The firmware boots the first disk, whatever else is attached.
        std::string boot = i == 0 && cfg.kernel.empty() ? ",bootindex=0" : "";
        argv.insert(argv.end(),
                    {"-drive",
                     "if=none,format=raw,id=d" + std::to_string(i) + ro + ",file=" + cfg.disks[i],
                     "-device", disk_device(*m, bus, i) + boot});
    }
    return true;
}

unsigned memory_limit_mib(const std::string& arch) {
    const Machine* m = find(arch);
    return m ? m->max_memory_mib : 0;
}

[[nodiscard]] bool uefi_firmware(const std::string& arch, std::string& code, std::string& vars,
                                 std::string& err) {
    const Machine* m = find(arch);
    if (!m) {
        err = "unknown arch '" + arch + "'";
        return false;
    }
    code = m->uefi_code;
    vars = m->uefi_vars;
    for (const auto& f : {code, vars})
        if (!std::filesystem::exists(f)) {
            err = f + ": UEFI firmware for " + arch +
                  " not found (install ovmf, ovmf-ia32 or qemu-efi-aarch64)";
            return false;
        }
    return true;
}

} // namespace qemu
