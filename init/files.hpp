// File helpers for the PID 1: whole-file reads and writes that check every call.
#pragma once

#include <dirent.h>
#include <memory>
#include <string>
#include <string_view>

namespace init {

// Reads a whole regular file of at most `limit` bytes.
[[nodiscard]] bool read_file(const std::string& path, std::string& out, size_t limit = 64u << 20);
// The same for a file already open (`path` names it in messages).
[[nodiscard]] bool read_open_file(int fd, const std::string& path, std::string& out,
                                  size_t limit = 64u << 20);

// Writes `data` to `path` through a temporary file, fsync and rename, so a
// reader finds either the old content or the new, never a torn file.
[[nodiscard]] bool write_file_atomic(const std::string& path, std::string_view data);

// The same without the fsyncs: a reader still finds the old content or the new, but
// the new reaches the disk only with a later syncfs (one flush for many files).
[[nodiscard]] bool replace_file(const std::string& path, std::string_view data);

// Appends one line and fsyncs it (the journal's only write).
[[nodiscard]] bool append_durably(const std::string& path, std::string_view line);

[[nodiscard]] bool fsync_dir(const std::string& dir);

// syncfs(2) on the file system holding `path`: every pending write reaches the disk.
[[nodiscard]] bool sync_fs(const std::string& path);

// A listing of the open folder `dir` (its own copy of the descriptor, so `dir` stays
// open); null with errno set if it cannot be listed.
using Listing = std::unique_ptr<DIR, int (*)(DIR*)>;
Listing open_listing(int dir);

// mkdir -p with mode 0755; succeeds if the directory exists.
[[nodiscard]] bool make_dirs(const std::string& path);

} // namespace init
