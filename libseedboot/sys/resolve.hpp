// Opening a path inside a folder the way the kernel's openat2(2) resolves it: the one wrapper
// for the places where a hostile step could have left symlinks (the PID 1's build trees).
#pragma once

#include "fd.hpp"

#include <cstdint>

namespace seedboot {

// openat2(dir, path, flags | O_CLOEXEC, 0) with `resolve` (RESOLVE_* of <linux/openat2.h>);
// RESOLVE_NO_MAGICLINKS always, so that no /proc/PID/fd link leads anywhere. Not ok() with
// errno set on failure. Allocates nothing: a step's reaper calls it between clone and exec.
Fd open_resolved(int dir, const char* path, int flags, uint64_t resolve);

// `path` inside `dir` as its root (an absolute `path` starts at `dir`; RESOLVE_IN_ROOT) and
// through no symlink at all (RESOLVE_NO_SYMLINKS): ELOOP names a link on the way. With O_PATH
// and O_NOFOLLOW a trailing symlink is opened as itself, for the caller to refuse by type.
Fd open_beneath(int dir, const char* path, int flags);

} // namespace seedboot
