// Assembles seedboot's disks: which partitions, in which order, with which
// names and types, and the content-derived GUIDs.
#pragma once

#include <cstdint>
#include <string>

namespace builder {

struct DiskContent {
    std::string arch;
    std::string kernel;     // non-empty: an ESP booting it (\EFI\BOOT\BOOT<arch>.EFI)
    std::string root;       // non-empty: partition seedboot-root holding this squashfs
    uint64_t work_size = 0; // non-zero: partition seedboot-work with an empty ext4
    uint64_t epoch = 1;
    // The root image whose /identity becomes the work partition's PARTUUID, for a work-only
    // disk (direct kernel boot); with `root` set, the work partition is that root's.
    std::string work_for;
};

bool make_disk(const DiskContent& c, const std::string& out, std::string& err);

} // namespace builder
