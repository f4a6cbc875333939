#include "text.hpp"

#include <cctype>

namespace seedboot {

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) words.push_back(line.substr(start, i - start));
    }
    return words;
}

[[nodiscard]] bool parse_u64(std::string_view s, uint64_t& out, int base) {
    if (s.empty() || s.size() > 20) return false;
    uint64_t v = 0;
    for (char c : s) {
        int d = c >= '0' && c <= '9' ? c - '0' : -1;
        if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        if (d < 0 || d >= base) return false;
        if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
        v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    }
    out = v;
    return true;
}

[[nodiscard]] bool is_clean_abs_path(std::string_view p) {
    if (p.size() > 1024 || !is_plain_abs_path(p)) return false;
    for (char c : p)
        if (c <= ' ' || c >= 127) return false;
    return true;
}

std::string encode_word(std::string_view text) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (c > ' ' && c < 0x7f && c != '%') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

[[nodiscard]] bool decode_word(std::string_view text, std::string& word) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c != '%') {
            // Only what encode_word leaves as it is: a word reads back as it was written.
            if (c <= ' ' || c >= 0x7f) return false;
            out += text[i];
            continue;
        }
        uint64_t v = 0;
        std::string hex(text.substr(i + 1, 2));
        for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (hex.size() != 2 || !parse_u64(hex, v, 16) || v == 0) return false;
        out += static_cast<char>(v);
        i += 2;
    }
    word = std::move(out);
    return true;
}

std::string encode_path(std::string_view path) {
    return encode_word(path);
}

[[nodiscard]] bool decode_path(std::string_view text, std::string& path) {
    std::string out;
    if (!decode_word(text, out) || !is_plain_abs_path(out)) return false;
    path = std::move(out);
    return true;
}

[[nodiscard]] bool is_plain_abs_path(std::string_view p) {
    if (p.empty() || p[0] != '/' || p.size() > 4096) return false;
    if (p == "/") return true;
    if (p.back() == '/' || p.find('\0') != std::string_view::npos) return false;
    size_t i = 1;
    while (i <= p.size()) {
        size_t end = p.find('/', i);
        if (end == std::string_view::npos) end = p.size();
        std::string_view part = p.substr(i, end - i);
        if (part.empty() || part == "." || part == "..") return false;
        i = end + 1;
    }
    return true;
}

[[nodiscard]] bool is_clean_name(std::string_view s) {
    if (s.empty() || s.size() > 64 || s == "." || s == "..") return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '+' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string located(std::string_view file, size_t line, std::string_view what) {
    return std::string(file) + ":" + std::to_string(line) + ": " + std::string(what);
}

} // namespace seedboot
