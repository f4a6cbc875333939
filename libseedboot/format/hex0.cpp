#include "hex0.hpp"

#include <cstdio>

namespace seedboot {

namespace {

int nibble(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string byte_text(int b) {
    if (b < 0) return "nothing (it ends there)";
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%02x", b);
    return buf;
}

} // namespace

std::string hex0_assemble(std::string_view source) {
    std::string out;
    out.reserve(source.size() / 3);
    bool in_comment = false;
    int high = -1;
    for (unsigned char c : source) {
        if (in_comment) {
            in_comment = c != '\n';
            continue;
        }
        if (c == '#' || c == ';') {
            in_comment = true;
            continue;
        }
        int n = nibble(c);
        if (n < 0) continue;
        if (high < 0) {
            high = n;
        } else {
            out.push_back(static_cast<char>(high << 4 | n));
            high = -1;
        }
    }
    return out;
}

std::optional<Hex0Mismatch> hex0_audit(std::string_view source, std::string_view binary) {
    std::string assembled = hex0_assemble(source);
    size_t common = std::min(assembled.size(), binary.size());
    for (size_t i = 0; i < common; ++i)
        if (assembled[i] != binary[i])
            return Hex0Mismatch{i, static_cast<unsigned char>(assembled[i]),
                                static_cast<unsigned char>(binary[i])};
    if (assembled.size() == binary.size()) return std::nullopt;
    int e = common < assembled.size() ? static_cast<unsigned char>(assembled[common]) : -1;
    int a = common < binary.size() ? static_cast<unsigned char>(binary[common]) : -1;
    return Hex0Mismatch{common, e, a};
}

std::string describe(const Hex0Mismatch& m) {
    char off[32];
    std::snprintf(off, sizeof off, "offset %zu (0x%zx)", m.offset, m.offset);
    return std::string(off) + ": source assembles to " + byte_text(m.expected) + ", binary has " +
           byte_text(m.actual);
}

} // namespace seedboot
