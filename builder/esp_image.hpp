// The EFI system partition: a FAT file system made deterministic, holding the
// EFI-stub kernel at the removable-media path the firmware boots by default.
#pragma once

#include <cstdint>
#include <string>

namespace builder {

// \EFI\BOOT\BOOTIA32.EFI, BOOTX64.EFI or BOOTAA64.EFI.
std::string efi_boot_name(const std::string& arch);

// Writes the ESP to `out`; `size` receives its size in bytes.
bool make_esp(const std::string& arch, const std::string& kernel, const std::string& seed,
              uint64_t epoch, const std::string& out, uint64_t& size, std::string& err);

} // namespace builder
