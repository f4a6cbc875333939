// Paths the PID 1 opens in places a step could have written: resolved by the
// kernel (openat2) without following any symlink, so that no link a step left
// can point the PID 1 at something else. The build tree is hostile: a step may
// leave symlinks, directories or FIFOs where the plan expects files.
#pragma once

#include "libseedboot/sys/fd.hpp"

#include <string>

namespace init {

using seedboot::Fd;

// Opens the declared output `path` of the build tree whose root is `root`
// for reading; false (the console says why) unless it is a regular file reached
// through no symlink. Never blocks, even on a FIFO.
[[nodiscard]] bool open_output(int root, const std::string& path, Fd& out);

// Reads a file of the verified root image (`path` under /sources/ or /seed/),
// through no symlink and without leaving the root image's file system.
[[nodiscard]] bool read_image_file(const std::string& path, std::string& out);

// Makes `path` in the tree whose root is `root` a mount point of the right kind
// (a directory, or an empty file), making its parents as needed; refuses (the
// console says why) when something in the way is a symlink or of the wrong kind.
[[nodiscard]] bool make_mount_point(int root, const std::string& path, bool directory);

} // namespace init
