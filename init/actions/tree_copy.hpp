// Copies between build roots the way a Containerfile's COPY does, for StageX's
// build stages (`FROM x AS y`, `COPY --from=x SRC DEST`). Both trees were
// written by hostile steps (all of whose processes are dead by now): a path is
// resolved inside its own root (openat2 RESOLVE_IN_ROOT, so a symlink cannot
// lead out of it), and below that point every entry is opened by name
// relative to its parent with O_NOFOLLOW. Symlinks are copied as symlinks.
#pragma once

#include <string>

namespace init {

struct CopyRequest {
    std::string src_root; // folder the source path is resolved in
    std::string src;      // absolute path inside src_root
    std::string dst_root; // folder the destination is resolved in
    std::string dst;      // absolute; a trailing '/' means "into this folder"
    int chmod = -1;       // mode for everything copied, or -1 to keep the source's
};

// COPY semantics: a folder's contents go into DEST (made with its parents); a file
// becomes DEST, or DEST/name when DEST ends in '/'. Existing folders merge, other
// existing entries are replaced. Reports on the console and returns false on error.
[[nodiscard]] bool copy_into_root(const CopyRequest& req);

} // namespace init
