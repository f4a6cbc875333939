#include "manifest.hpp"

#include "libseedboot/sys/sha256.hpp"
#include "text.hpp"

#include <cstdio>

namespace seedboot {

namespace {

[[nodiscard]] bool parse_entry(const std::vector<std::string_view>& w, ManifestEntry& e,
                               std::string& what) {
    if (w.size() != 5) {
        what = "expected 'TYPE MODE SIZE SHA256 PATH'";
        return false;
    }
    if (w[0].size() != 1 || (w[0][0] != 'f' && w[0][0] != 'd' && w[0][0] != 'l')) {
        what = "type '" + std::string(w[0]) + "' (expected f, d or l)";
        return false;
    }
    e.type = w[0][0];
    uint64_t mode = 0;
    if (!parse_u64(w[1], mode, 8) || mode > 07777) {
        what = "mode '" + std::string(w[1]) + "' (expected octal permission bits)";
        return false;
    }
    e.mode = static_cast<uint32_t>(mode);
    if (!parse_u64(w[2], e.size)) {
        what = "size '" + std::string(w[2]) + "' (expected a whole number)";
        return false;
    }
    bool dir = e.type == 'd';
    if (dir ? w[3] != "-" : !is_sha256_hex(w[3])) {
        what = dir ? "a directory's hash must be '-'"
                   : "hash '" + std::string(w[3]) + "' (expected 64 lower-case hex digits)";
        return false;
    }
    e.sha256 = w[3];
    if (!decode_path(w[4], e.path)) {
        what = "path '" + std::string(w[4]) + "' is not an absolute path (%XX escapes allowed)";
        return false;
    }
    return true;
}

} // namespace

[[nodiscard]] bool parse_manifest(std::string_view text, std::string_view file, Manifest& out,
                                  std::string& err) {
    Manifest m;
    size_t n = 0;
    bool header = false;
    for (std::string_view raw : split_lines(text)) {
        ++n;
        auto w = split_words(raw);
        if (w.empty()) continue;
        if (!header) {
            if (w.size() != 2 || w[0] != "seedboot-manifest" || w[1] != "1") {
                err = located(file, n, "expected the header 'seedboot-manifest 1'");
                return false;
            }
            header = true;
            continue;
        }
        ManifestEntry e;
        std::string what;
        if (!parse_entry(w, e, what)) {
            err = located(file, n, what);
            return false;
        }
        if (!m.empty() && !(m.back().path < e.path)) {
            err = located(file, n,
                          "'" + e.path +
                              "' is out of order or repeated (expected sorted, unique paths)");
            return false;
        }
        m.push_back(std::move(e));
    }
    if (!header) {
        err = located(file, n, "empty manifest (expected the header 'seedboot-manifest 1')");
        return false;
    }
    out = std::move(m);
    return true;
}

std::string describe_entry(const ManifestEntry& e) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%o", e.mode);
    return std::string(1, e.type) + " " + mode + " " + std::to_string(e.size) + " " + e.sha256;
}

std::string format_manifest(const Manifest& m) {
    std::string t = "seedboot-manifest 1\n";
    for (const auto& e : m) t += describe_entry(e) + " " + encode_path(e.path) + "\n";
    return t;
}

} // namespace seedboot
