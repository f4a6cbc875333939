// Walks a directory tree into manifest entries (type, mode, size, sha256),
// sorted by path. The builder uses it to write /manifest, the PID 1 to check it.
#pragma once

#include "manifest.hpp"

#include <cstdint>
#include <string>

namespace seedboot {

// Whether a scan reads and hashes file contents (a manifest needs the sha256)
// or only lists the tree (type, mode, size; sha256 left empty), which reads no
// file: `pack-dir` reads each file once, when it packs it.
enum class Contents { hashed, listed };

// Scans `dir` on disk; entry paths are `prefix` + the path below `dir`
// ("/sources" + "/chain/x"). `dir` itself is entry `prefix` (a directory).
// Anything but files, directories and symlinks is an error, as is a name that
// cannot be a path (empty, '.', '..'). On error, `err` names the path.
[[nodiscard]] bool scan_tree(const std::string& dir, const std::string& prefix, Manifest& out,
                             std::string& err, Contents contents = Contents::hashed);

// Scans a single file or symlink as entry `path`.
[[nodiscard]] bool scan_entry(const std::string& file, const std::string& path, ManifestEntry& out,
                              std::string& err, Contents contents = Contents::hashed);

// The modes an image keeps, and a tree digest counts: 0755 for directories and anything
// executable, 0644 for other files, 0777 for symlinks, so that a checkout's umask or chmod
// history cannot leak in.
inline uint32_t normalized_mode(char type, uint32_t host_mode) {
    if (type == 'd') return 0755;
    if (type == 'l') return 0777;
    return (host_mode & 0111) ? 0755 : 0644;
}

} // namespace seedboot
