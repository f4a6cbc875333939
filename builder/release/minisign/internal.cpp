// The minisign files' shared helpers; see internal.hpp.
#include "internal.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/sys/files.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace builder::minisign {

std::string base64(const uint8_t* data, size_t size) {
    std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

// Decodes strict base64 (no spaces, correct padding) into `out`; returns the byte count or
// -1. `out` is larger than any valid input so that a wrong length is seen as wrong.
long unbase64(std::string_view b64, uint8_t* out, size_t cap) {
    size_t len = 0;
    if (sodium_base642bin(out, cap, b64.data(), b64.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    return static_cast<long>(len);
}

// Splits into lines, dropping the "\r" of CRLF files (minisign trims it too).
std::vector<std::string_view> lines_of(std::string_view text) {
    auto lines = seedboot::split_lines(text);
    for (auto& l : lines)
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    return lines;
}

// True when nothing but empty lines follows lines[0..used).
[[nodiscard]] bool only_blank_after(const std::vector<std::string_view>& lines, size_t used,
                                    size_t& bad) {
    for (size_t i = used; i < lines.size(); ++i) {
        if (!lines[i].empty()) {
            bad = i + 1;
            return false;
        }
    }
    return true;
}

[[nodiscard]] bool expect_prefix(const std::vector<std::string_view>& lines, size_t index,
                                 std::string_view prefix, const std::string& name,
                                 std::string& err) {
    if (lines[index].starts_with(prefix)) return true;
    err = seedboot::located(
        name, index + 1, "expected '" + std::string(prefix) + "...', found " + shown(lines[index]));
    return false;
}

// Shows two algorithm bytes as 'Ed', or as hex when they are not printable.
std::string alg_text(const uint8_t* a) {
    if (a[0] > ' ' && a[0] < 127 && a[1] > ' ' && a[1] < 127)
        return "'" + std::string(reinterpret_cast<const char*>(a), 2) + "'";
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%02x%02x", a[0], a[1]);
    return hex;
}

// For error messages: the start of what was found instead, without control characters.
std::string shown(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 40)) out += (c >= ' ' && c < 127) ? c : '?';
    if (s.size() > 40) out += "...";
    return "'" + out + "'";
}

[[nodiscard]] bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < ' ' || u == 127;
    });
}

[[nodiscard]] bool read_text(const std::string& path, const char* what, std::string& out,
                             std::string& err, uintmax_t max) {
    return seedboot::read_file(path, what, out, err, max);
}

} // namespace builder::minisign
