// The empty ext4 work file system (label seedboot-work) that the PID 1 fills
// with the build tree, logs, journal and result.
#pragma once

#include <cstdint>
#include <string>

namespace builder {

// Makes a bare ext4 file system of `size` bytes in `out` with pinned mke2fs
// settings, a UUID and hash seed derived from `seed`, and every timestamp at
// `epoch`: the same arguments always give the same bytes.
// `label`: the file system's (seedboot-work; the layer cache's is seedboot-cache).
[[nodiscard]] bool make_work_fs(const std::string& out, uint64_t size, const std::string& seed,
                                uint64_t epoch, std::string& err,
                                const char* label = "seedboot-work");

} // namespace builder
