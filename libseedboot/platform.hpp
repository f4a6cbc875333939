// What every part of seedboot agrees on about the machines it builds for and the disks it
// makes: the arches and their per-arch facts, and the partition labels the PID 1, the
// builder and the kernel command line (kernel-config/*.config: root=PARTLABEL=seedboot-root)
// find each partition by. Names are compared here, and in the plan parser (format/plan.cpp),
// which spells them out so that the PID 1's code, in every image, stays as it is; a unit test
// holds the two together.
#pragma once

#include <iterator>
#include <string_view>

namespace seedboot {

enum class ArchId { i386, x86_64, aarch64 };

struct Arch {
    ArchId id;
    std::string_view name;          // as specs, plans and `make qemu-ARCH` write it
    std::string_view gpt_root_type; // the root partition's type (Discoverable Partitions)
    std::string_view efi_boot_file; // the removable-media boot file: \EFI\BOOT\<this>
    std::string_view kernel_file;   // what the kernel build leaves in build/kernel/ARCH/
    unsigned elf_machine;           // e_machine of its programs (EM_386, EM_X86_64, EM_AARCH64)
    unsigned elf_bits;              // 32 or 64: their ELF class
};

inline constexpr Arch kArches[] = {
    {ArchId::i386, "i386", "44479540-F297-41B2-9AF7-D131D5F0458A", "BOOTIA32.EFI", "bzImage", 3,
     32},
    {ArchId::x86_64, "x86_64", "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "BOOTX64.EFI", "bzImage", 62,
     64},
    {ArchId::aarch64, "aarch64", "B921B045-1DF0-41C3-AF44-4C6F280D3FAE", "BOOTAA64.EFI", "Image",
     183, 64},
};

// The arch called `name`, or null.
constexpr const Arch* find_arch(std::string_view name) {
    for (const Arch& a : kArches)
        if (a.name == name) return &a;
    return nullptr;
}

// The arches for an error message's "(expected ...)".
inline constexpr std::string_view kArchNames = "i386, x86_64 or aarch64";

constexpr bool arch_names_match_table() {
    std::string_view rest = kArchNames;
    for (size_t i = 0; i < std::size(kArches); ++i) {
        std::string_view sep = i == 0 ? "" : i + 1 == std::size(kArches) ? " or " : ", ";
        if (!rest.starts_with(sep)) return false;
        rest.remove_prefix(sep.size());
        if (!rest.starts_with(kArches[i].name)) return false;
        rest.remove_prefix(kArches[i].name.size());
    }
    return rest.empty();
}
static_assert(arch_names_match_table(), "kArchNames must list kArches");

// GPT partition names, which are also the file system labels where there is one.
constexpr const char* kEspLabel = "seedboot-esp";     // the EFI system partition
constexpr const char* kRootLabel = "seedboot-root";   // the root squashfs
constexpr const char* kWorkLabel = "seedboot-work";   // the ext4 work partition
constexpr const char* kCacheLabel = "seedboot-cache"; // the layer cache's ext4 partition

} // namespace seedboot
