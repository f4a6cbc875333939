// Whole reads and writes on file descriptors: retried on EINTR and on short counts. Each
// returns false with errno set, for the caller's sys_error (error.hpp) to name the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace seedboot {

// A write that makes no progress and reports no error counts as ENOSPC (a full disk).
[[nodiscard]] bool write_all(int fd, std::string_view data);
[[nodiscard]] bool pwrite_all(int fd, const void* data, size_t size, uint64_t offset);

// Reads up to `size` bytes at `offset`; `got` is less than `size` only at the end of the file.
[[nodiscard]] bool pread_full(int fd, void* data, size_t size, uint64_t offset, size_t& got);

// Reads exactly `size` bytes at `offset`; a file that ends first gives false with errno 0.
[[nodiscard]] bool pread_exact(int fd, void* data, size_t size, uint64_t offset);

} // namespace seedboot
