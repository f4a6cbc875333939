// One digest for a whole tree, the same on every machine: the sha256 over the
// tree's manifest lines (type, normalized mode, size, content sha256, path
// below the tree), in path order. A source lock pins a tree by it, and the PID 1
// records a finished StageX stage's root by it, so that two builders can
// compare a stage, and the host can check the image it packed from a run.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace seedboot {

struct TreeDigest {
    std::string sha256;
    uint64_t entries = 0; // entries below the tree's root
};

// The digest of `dir` and, when `parts` is given, of each top-level entry of it
// (its own line and everything below it). On error `err` names the path.
[[nodiscard]] bool tree_digest(const std::string& dir, TreeDigest& whole, std::string& err,
                               std::map<std::string, TreeDigest>* parts = nullptr);

} // namespace seedboot
