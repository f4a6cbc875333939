// A fetched archive unpacked the way Docker's `ADD fetch/FILE DEST` does it: a
// tar, plain or compressed (gzip, bzip2, xz), becomes its files under DEST.
// libarchive reads it; nothing may land outside DEST (no "..", no absolute
// path, no write through a symlink the archive made), and owners are not
// restored: the image keeps only normalized modes.
#pragma once

#include <string>

namespace builder {

// Unpacks `archive` into the existing folder `dest`. On error, `err` names the
// archive, the entry and what was wrong.
bool unpack_archive(const std::string& archive, const std::string& dest, std::string& err);

} // namespace builder
