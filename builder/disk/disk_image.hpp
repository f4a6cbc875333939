// Assembles seedboot's disks: which partitions, in which order, with which
// names and types, and the content-derived GUIDs.
#pragma once

#include "builder/disk/gpt/gpt.hpp"

#include <cstdint>
#include <string>

namespace builder {

struct DiskContent {
    std::string arch;
    std::string kernel;     // non-empty: an ESP booting it (\EFI\BOOT\BOOT<arch>.EFI)
    std::string root;       // non-empty: partition seedboot-root holding this squashfs
    uint64_t work_size = 0; // non-zero: partition seedboot-work with an empty ext4
    uint64_t epoch = 1;
    // The work partition's PARTUUID: the identity of the root image whose PID 1 may use it
    // (builder/image/image_identity.hpp), which the caller reads from that image. All zeros:
    // derived from the content, and no image's PID 1 takes the partition.
    Guid work_identity;
    // Non-zero: partition seedboot-cache with an empty ext4, for the PID 1's layer cache
    // (init/layers/layer_cache.hpp). A disk of its own, kept between runs by `seedboot boot`.
    uint64_t cache_size = 0;
};

[[nodiscard]] bool make_disk(const DiskContent& c, const std::string& out, std::string& err);

} // namespace builder
