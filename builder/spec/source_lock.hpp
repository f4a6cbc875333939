// Source locks (rootfs/locks/NAME.lock): an upstream source named by where it
// comes from and what its bytes must hash to, so that sources are never
// vendored and never trusted unchecked. A tarball is locked by sha256 and size;
// an unpacked tree (a git checkout with submodules) by its tree digest.
//
//   name stage0-posix
//   kind tree                         (or: file)
//   sha256 <digest>                   (tree digest, or the file's sha256)
//   size 1234                         (entries in the tree, or the file's bytes)
//   url https://github.com/oriansj/stage0-posix
//   get git clone --recursive ... (how to obtain it, shown to the user)
#pragma once

#include <cstdint>
#include <string>

namespace builder {

struct SourceLock {
    std::string file; // the lock file, for messages
    std::string name, kind, sha256, url, get;
    uint64_t size = 0;
};

bool load_lock(const std::string& path, SourceLock& out, std::string& err);

// The tree digest: sha256 over the sorted "path type mode sha256" lines of
// every entry below `dir` (modes normalized as in images), and the entry count.
bool tree_digest(const std::string& dir, std::string& digest, uint64_t& entries, std::string& err);

// Checks `host` against the lock; the error names the path and both hashes.
bool check_lock(const SourceLock& lock, const std::string& host, std::string& err);

// A lock for `host` (file or directory), for `seedboot lock`.
bool make_lock_text(const std::string& host, const std::string& name, std::string& text,
                    std::string& err);

} // namespace builder
