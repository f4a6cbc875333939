// The EFI system partition: a FAT file system made deterministic, holding the
// EFI-stub kernel at the removable-media path the firmware boots by default.
#pragma once

#include "libseedboot/platform.hpp"

#include <cstdint>
#include <string>

namespace builder {

// Writes the ESP to `out`, the kernel at \EFI\BOOT\<arch.efi_boot_file>; `size` receives
// its size in bytes.
[[nodiscard]] bool make_esp(const seedboot::Arch& arch, const std::string& kernel,
                            const std::string& seed, uint64_t epoch, const std::string& out,
                            uint64_t& size, std::string& err);

} // namespace builder
