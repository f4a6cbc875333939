// The fetch folder: where `seedboot fetch` puts StageX sources and where a plan
// finds them.
//
//   DIR/<package>/<file>            verified sources only, nothing else: the build
//                                   context StageX calls `fetch` (its fetch/<group>/
//                                   <package>/; DIR = StageX's fetch/bootstrap), so
//                                   `ADD fetch/FILE` and `COPY --from=fetch FILE` are
//                                   DIR/<package>/FILE, and `COPY --from=fetch .` is
//                                   the whole DIR/<package>/
//   DIR/.partial/<package>/<file>   downloads in progress, resumed by the next run
#pragma once

#include "builder/stagex/package_toml.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace builder::fetch {

std::string fetched_path(const std::string& dir, const std::string& package,
                         const std::string& file);
std::string partial_path(const std::string& dir, const std::string& package,
                         const std::string& file);

// The sha256 and size of a file (seedboot::sha256_file). False with `err` ("PATH: cannot
// open: ...") if it cannot be read; `exists` tells a missing file from an unreadable one.
[[nodiscard]] bool file_sha256(const std::string& path, std::string& hex, uint64_t& size,
                               bool& exists, std::string& err);

// What is wrong with the fetched copy of one source, one line (empty: it is right).
// "missing" or "sha256 X (N bytes), expected Y".
std::string check_fetched(const std::string& dir, const std::string& package,
                          const stagex::Source& source);

} // namespace builder::fetch
