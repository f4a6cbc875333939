// seedboot get: runs a lock's `get` recipe, so that a source is exactly what its
// lock names, by construction. `get git URL COMMIT` clones URL, checks out COMMIT
// with every submodule (nested ones too) and removes every .git: the tree that
// upstream's own build sees, with no repository metadata in it.
#pragma once

#include "builder/spec/source_lock.hpp"

#include <string>

namespace builder {

// Fetches the locked source into `dir`/NAME: built in a temporary folder beside it,
// checked against the lock, then renamed into place. A source that does not match is
// removed, never kept. An existing `dir`/NAME is accepted if it matches, else refused.
[[nodiscard]] bool get_source(const SourceLock& lock, const std::string& dir, std::string& err);

} // namespace builder
