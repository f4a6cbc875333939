// /manifest: type, mode, size and sha256 of every entry under /seed and
// /sources, so the PID 1 can refuse a root image whose inputs were changed.
//
//   seedboot-manifest 1
//   d 755 0 - /seed
//   f 755 229 <sha256> /seed/hex0-seed
//   l 777 9 <sha256 of the link target text> /sources/x
//   f 644 12 <sha256> /sources/High%20Level%20Prototypes/hex0.c
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seedboot {

struct ManifestEntry {
    char type = 'f';      // 'f' file, 'd' directory, 'l' symlink
    uint32_t mode = 0644; // permission bits only
    uint64_t size = 0;    // file size, or link target length; 0 for directories
    std::string sha256;   // of the content or link target; "-" for directories
    std::string path;     // absolute; written %XX-escaped (text.hpp encode_path)
};

// Entries sorted by path (byte order), unique.
using Manifest = std::vector<ManifestEntry>;

[[nodiscard]] bool parse_manifest(std::string_view text, std::string_view file, Manifest& out,
                                  std::string& err);
std::string format_manifest(const Manifest& m);

// "expected f 755 229 <sha>, found f 755 230 <sha>"-style text for a mismatch.
std::string describe_entry(const ManifestEntry& e);

} // namespace seedboot
