// Archives unpacked safely with libarchive: a fetched tar (plain or gzip, bzip2, xz) the way
// Docker's `ADD fetch/FILE DEST` does it (StageX), and a Debian package's files (make
// gnu-proxy). Nothing may land outside DEST (no "..", no absolute path, no write through a
// symlink the archive made), and owners are not restored: images keep only normalized modes.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace builder {

// Unpacks `archive` into the existing folder `dest`. On error, `err` names the
// archive, the entry and what was wrong.
[[nodiscard]] bool unpack_archive(const std::string& archive, const std::string& dest,
                                  std::string& err);

// The files of a Debian binary package (.deb: an ar archive whose data.tar.{gz,xz,zst}
// member holds them) unpacked into `dest` with the same rules; its maintainer scripts do
// not run. `seedboot unpack-deb` makes a root from packages this way (make gnu-proxy).
[[nodiscard]] bool unpack_deb(const std::string& deb, const std::string& dest, std::string& err);

// The regular files of `archive` whose names `want` picks, read into memory (name in the
// archive -> content), nothing written to disk; each may hold at most kMaxArchiveText bytes.
inline constexpr size_t kMaxArchiveText = 1 << 20;
[[nodiscard]] bool read_archive_files(const std::string& archive,
                                      const std::function<bool(const std::string&)>& want,
                                      std::map<std::string, std::string>& out, std::string& err);

} // namespace builder
