// Whole files and folders by path: read one, append to one, hash one, make folders, list one,
// make a folder's entries or a whole file system durable. The PID 1 and the builder both use
// these; errors name the file: "PATH: cannot open: No such file or directory".
#pragma once

#include <cstdint>
#include <dirent.h>
#include <memory>
#include <string>
#include <string_view>

namespace seedboot {

// Reads the regular file `path` whole; more than `limit` bytes is an error, not an allocation.
// `what` says what the file should be, for the errors: "PATH: cannot read the WHAT: REASON",
// "PATH: N bytes is too big for a WHAT (expected at most LIMIT)".
[[nodiscard]] bool read_file(const std::string& path, const char* what, std::string& out,
                             std::string& err, uint64_t limit = uint64_t{64} << 20);
// The same for a file already open as `fd` (`path` names it in the errors).
[[nodiscard]] bool read_fd(int fd, const std::string& path, const char* what, std::string& out,
                           std::string& err, uint64_t limit = uint64_t{64} << 20);

// `data` as the whole content of `path` (made with `mode` if absent), written in place: no
// temporary file, no flush. For files that are made again before anyone reads them, or that
// become visible only through a later rename (write_file_atomic is for the rest).
[[nodiscard]] bool write_file(const std::string& path, std::string_view data, unsigned mode,
                              std::string& err);

// Appends `data` to `path` (made if absent, mode 0644) and flushes it (fsync): the journal's
// only write, so a line that was appended survives a power cut.
[[nodiscard]] bool append_durably(const std::string& path, std::string_view data, std::string& err);

// mkdir -p, mode 0755; a folder that exists already is success.
[[nodiscard]] bool make_dirs(const std::string& path, std::string& err);

// The sha256 (lower-case hex) and size of the file at `path`.
[[nodiscard]] bool sha256_file(const std::string& path, std::string& hex, uint64_t& size,
                               std::string& err);

// The folder holding `path` ("." for a bare name).
std::string parent_dir(const std::string& path);

// fsync(2) on a folder: a rename or a new entry in it survives a power cut.
[[nodiscard]] bool fsync_dir(const std::string& dir, std::string& err);

// syncfs(2) on the file system holding the folder `dir`: every pending write reaches the disk,
// one flush for many files.
[[nodiscard]] bool sync_fs(const std::string& dir, std::string& err);

// A listing of the open folder `dir` on a copy of its descriptor, so that `dir` stays open;
// null with errno set if it cannot be listed.
using Listing = std::unique_ptr<DIR, int (*)(DIR*)>;
Listing open_listing(int dir);

} // namespace seedboot
