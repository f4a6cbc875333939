// Source locks (rootfs/locks/NAME.lock): an upstream source named by where it
// comes from and what its bytes must hash to, so that sources are never
// vendored and never trusted unchecked. A tarball is locked by sha256 and size;
// an unpacked tree (a git checkout with submodules) by its tree digest, plus
// one digest per top-level entry so that a refusal can say where trees differ.
//
//   name stage0-posix
//   kind tree                         (or: file)
//   sha256 <digest>                   (tree digest, or the file's sha256)
//   size 1512                         (entries in the tree, or the file's bytes)
//   part /M2-Planet <digest> <entries> (tree only: one per top-level entry, %-escaped)
//   url https://github.com/oriansj/stage0-posix
//   get git <url> <commit>            (the recipe `seedboot get` runs: source_get.hpp)
#pragma once

#include "libseedboot/format/tree_digest.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace builder {

// A tree digest and its entry count (libseedboot: the PID 1 digests stage outputs the same way).
using seedboot::tree_digest;
using seedboot::TreeDigest;

struct GetRecipe {
    std::string kind; // "git"; empty: the lock names no recipe
    std::string url, commit;
};

struct SourceLock {
    std::string file; // the lock file, for messages
    std::string name, kind, sha256, url;
    uint64_t size = 0;
    std::map<std::string, TreeDigest> parts; // top-level entry -> its subtree
    GetRecipe get;
};

[[nodiscard]] bool load_lock(const std::string& path, SourceLock& out, std::string& err);

// Checks `host` against the lock. The error names the path and both hashes, for a
// tree the top-level entries that differ, and how to get the locked source.
[[nodiscard]] bool check_lock(const SourceLock& lock, const std::string& host, std::string& err);

// A lock for `host` (file or directory), for `seedboot lock`.
[[nodiscard]] bool make_lock_text(const std::string& host, const std::string& name,
                                  std::string& text, std::string& err);

// What to tell a user who lacks the locked source: the command that gets it.
std::string how_to_get(const SourceLock& lock);

} // namespace builder
