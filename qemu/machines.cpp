#include "machines.hpp"

#include "libseedboot/platform.hpp"

#include <algorithm>
#include <filesystem>

namespace qemu {

namespace {

struct Machine {
    seedboot::ArchId arch;
    const char* emulator;
    std::vector<std::string> board;
    const char* uefi_code;
    const char* uefi_vars;
    const char*
        disk_device; // virtio over PCI on x86; over MMIO on arm64 virt (no PCI host driver needed)
};

// No network card, no display, no default devices: the serial console is the
// only way in or out. -no-reboot turns the kernel's panic reboot into an exit.
const std::vector<Machine>& machines() {
    static const std::vector<Machine> m = {
        {seedboot::ArchId::x86_64,
         "qemu-system-x86_64",
         {"-machine", "q35", "-cpu", "max"},
         "/usr/share/OVMF/OVMF_CODE_4M.fd",
         "/usr/share/OVMF/OVMF_VARS_4M.fd",
         "virtio-blk-pci"},
        {seedboot::ArchId::i386,
         "qemu-system-i386",
         {"-machine", "q35,smm=on", "-cpu", "max", "-global",
          "driver=cfi.pflash01,property=secure,value=on"},
         "/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd",
         "/usr/share/OVMF/OVMF32_VARS_4M.fd",
         "virtio-blk-pci"},
        {seedboot::ArchId::aarch64,
         "qemu-system-aarch64",
         {"-machine", "virt", "-cpu", "cortex-a57"},
         "/usr/share/AAVMF/AAVMF_CODE.fd",
         "/usr/share/AAVMF/AAVMF_VARS.fd",
         "virtio-blk-device"},
    };
    return m;
}

const Machine* find(const std::string& arch) {
    const seedboot::Arch* a = seedboot::find_arch(arch);
    for (const auto& m : machines())
        if (a && a->id == m.arch) return &m;
    return nullptr;
}

} // namespace

bool qemu_command(const BootConfig& cfg, std::vector<std::string>& argv, std::string& err) {
    const Machine* m = find(cfg.arch);
    if (!m) {
        err =
            "unknown arch '" + cfg.arch + "' (expected " + std::string(seedboot::kArchNames) + ")";
        return false;
    }
    argv = {m->emulator};
    argv.insert(argv.end(), m->board.begin(), m->board.end());
    // AAVMF hands the kernel ACPI tables instead of the device tree when the
    // board offers both; our arm64 kernel is device-tree only.
    if (cfg.kernel.empty())
        std::replace(argv.begin(), argv.end(), std::string("virt"), std::string("virt,acpi=off"));
    for (const char* a : {"-nodefaults", "-nographic", "-no-reboot", "-nic", "none", "-monitor",
                          "none", "-serial", "stdio"})
        argv.push_back(a);
    argv.insert(argv.end(),
                {"-m", std::to_string(cfg.memory_mb), "-smp", std::to_string(cfg.cpus)});
    if (!cfg.kernel.empty()) {
        argv.insert(argv.end(), {"-kernel", cfg.kernel});
    } else {

        argv.insert(argv.end(),
                    {"-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + cfg.firmware_code,
                     "-drive", "if=pflash,format=raw,unit=1,file=" + cfg.firmware_vars});
    }
    for (size_t i = 0; i < cfg.disks.size(); ++i) {
        std::string ro = i < cfg.read_only.size() && cfg.read_only[i] ? ",readonly=on" : "";
        argv.insert(argv.end(),
                    {"-drive",
                     "if=none,format=raw,id=d" + std::to_string(i) + ro + ",file=" + cfg.disks[i],
                     "-device", std::string(m->disk_device) + ",drive=d" + std::to_string(i)});
    }
    return true;
}

bool uefi_firmware(const std::string& arch, std::string& code, std::string& vars,
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
