// Whole files by path: read one, hash one, make a folder's entries durable. Errors name the
// file: "PATH: cannot open: No such file or directory".
#pragma once

#include <cstdint>
#include <string>

namespace seedboot {

// Reads the regular file `path` whole; more than `limit` bytes is an error, not an allocation.
// `what` says what the file should be, for the errors: "PATH: cannot read the WHAT: REASON",
// "PATH: N bytes is too big for a WHAT (expected at most LIMIT)".
[[nodiscard]] bool read_file(const std::string& path, const char* what, std::string& out,
                             std::string& err, uint64_t limit = uint64_t{64} << 20);

// The sha256 (lower-case hex) and size of the file at `path`.
[[nodiscard]] bool sha256_file(const std::string& path, std::string& hex, uint64_t& size,
                               std::string& err);

// The folder holding `path` ("." for a bare name).
std::string parent_dir(const std::string& path);

// fsync(2) on a folder: a rename or a new entry in it survives a power cut.
[[nodiscard]] bool fsync_dir(const std::string& dir, std::string& err);

} // namespace seedboot
