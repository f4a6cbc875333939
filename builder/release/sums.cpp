#include "sums.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/sys/files.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <algorithm>
#include <filesystem>

namespace builder {

std::string format_sums(std::vector<Sum> sums) {
    std::sort(sums.begin(), sums.end(), [](const Sum& a, const Sum& b) { return a.name < b.name; });
    std::string text;
    for (const Sum& s : sums) text += s.sha256 + "  " + s.name + "\n";
    return text;
}

[[nodiscard]] bool parse_sum_line(const std::string& line, const std::string& where, Sum& out,
                                  std::string& err) {
    bool ok = line.size() > 66 && seedboot::is_sha256_hex(line.substr(0, 64)) && line[64] == ' ' &&
              (line[65] == ' ' || line[65] == '*');
    if (!ok) {
        err = where + ": expected 'SHA256  NAME' (64 hex digits, two spaces, a file name)";
        return false;
    }
    std::string name = line.substr(66);
    if (name.find('/') != std::string::npos || name == "." || name == "..") {
        err = where + ": '" + name +
              "' is not a file name in the release folder (expected a name without '/')";
        return false;
    }
    out = {line.substr(0, 64), name};
    return true;
}

[[nodiscard]] bool sum_of(const std::string& dir, const std::string& name, Sum& out,
                          std::string& err) {
    uint64_t size = 0;
    out.name = name;
    return seedboot::sha256_file(dir + "/" + name, out.sha256, size, err);
}

[[nodiscard]] bool check_sums(const std::string& dir, std::set<std::string>& names,
                              std::string& err) {
    std::string sums = dir + "/SHA256SUMS", text;
    if (!std::filesystem::exists(sums)) {
        err = sums + ": not found (expected the output of `seedboot images -o " + dir + "`)";
        return false;
    }
    if (!seedboot::read_file(sums, "checksum list", text, err)) return false;
    auto lines = seedboot::split_lines(text);
    for (size_t n = 0; n < lines.size(); ++n) {
        std::string where = sums + ":" + std::to_string(n + 1);
        Sum want, got;
        if (!parse_sum_line(std::string(lines[n]), where, want, err) ||
            !sum_of(dir, want.name, got, err))
            return false;
        if (got.sha256 != want.sha256) {
            err = dir + "/" + want.name + ": sha256 " + got.sha256 + ", but " + where + " lists " +
                  want.sha256 + " (a release signs only what it verified)";
            return false;
        }
        names.insert(want.name);
    }
    if (names.empty()) err = sums + ": lists no files (expected one line per disk image)";
    return !names.empty();
}

} // namespace builder
