// Copies into a region of a disk image or file system image without writing
// its zeros.
//
// A 1 GiB work partition is an ext4 file system that is almost all zeros; the
// disk image is made by ftruncate, so it already reads as zeros everywhere.
// Copying only what is not zero leaves the rest as holes: the bytes of the
// image are the same as with a full copy, but neither the time nor the disk
// space for the zeros is spent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace builder {

// Copies the first `size` bytes of the file open as `in_fd` (named `in_name` in
// errors) to `out_fd` at `offset`, where `out_fd` must already read as zeros.
// Holes of the input are skipped without reading them (SEEK_DATA/SEEK_HOLE),
// and 4 KiB blocks of zeros in its data are not written. Fails, with an error
// naming the input (and `what` for the output), on a read or write error or if
// the input no longer has `size` bytes.
[[nodiscard]] bool copy_nonzero(int in_fd, const std::string& in_name, int out_fd, uint64_t offset,
                                uint64_t size, const std::string& what, std::string& err);

// The same for `len` bytes at `in_offset` of the file `in_path`, a region of a
// larger image: it must hold the whole region (a short read is an error naming
// the byte), and may go on beyond it.
[[nodiscard]] bool copy_range_sparse(const std::string& in_path, uint64_t in_offset, uint64_t len,
                                     int out_fd, uint64_t out_offset, const std::string& out_path,
                                     std::string& err);

} // namespace builder
