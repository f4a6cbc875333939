// Copies a file into a region of a disk image without writing its zeros.
//
// A 1 GiB work partition is an ext4 file system that is almost all zeros; the
// disk image is made by ftruncate, so it already reads as zeros everywhere.
// Copying only what is not zero leaves the rest as holes: the bytes of the
// image are the same as with a full copy, but neither the time nor the disk
// space for the zeros is spent.
#pragma once

#include <cstdint>
#include <string>

namespace builder {

// Copies the first `size` bytes of the file open as `in_fd` (named `in_name` in
// errors) to `out_fd` at `offset`, where `out_fd` must already read as zeros.
// Holes of the input are skipped without reading them (SEEK_DATA/SEEK_HOLE),
// and 4 KiB blocks of zeros in its data are not written. Fails, with an error
// naming the input (and `what` for the output), on a read or write error or if
// the input no longer has `size` bytes.
bool copy_nonzero(int in_fd, const std::string& in_name, int out_fd, uint64_t offset, uint64_t size,
                  const std::string& what, std::string& err);

} // namespace builder
