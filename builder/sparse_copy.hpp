// Copying a byte range of an image file into another file without filling in
// its holes: work file systems and disks are mostly empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace builder {

// pread until `len` bytes or the end of the file; `got` says how many. False on an error.
bool pread_full(int fd, void* buf, size_t len, uint64_t at, size_t& got);

// Copies `len` bytes at `in_offset` of `in_path` to `out_offset` of `out_fd` (named
// `out_path` in errors). Chunks that read as all zeros are not written: the
// destination must already read as zeros there (a fresh or freshly extended file).
// The source must hold the whole range: a short read is an error naming the byte.
bool copy_range_sparse(const std::string& in_path, uint64_t in_offset, uint64_t len, int out_fd,
                       uint64_t out_offset, const std::string& out_path, std::string& err);

} // namespace builder
