// Small helpers for the line-oriented formats (plan, manifest, answers, state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seedboot {

// Splits on '\n'; a final line without '\n' counts, a trailing '\n' adds nothing.
std::vector<std::string_view> split_lines(std::string_view text);

// Splits on runs of spaces and tabs.
std::vector<std::string_view> split_words(std::string_view line);

[[nodiscard]] bool parse_u64(std::string_view s, uint64_t& out, int base = 10);

// An absolute path with no empty, "." or ".." component and only printable,
// non-space ASCII: safe to embed in the line formats and to join under a root.
[[nodiscard]] bool is_clean_abs_path(std::string_view p);

// Upstream trees have names with spaces ("High Level Prototypes"): in the
// manifest a path is written with '%', bytes up to ' ' and from 0x7f as %XX.
std::string encode_path(std::string_view path);
[[nodiscard]] bool decode_path(std::string_view text, std::string& path);

// The same escape for any text (plan arguments, environment values); decoding refuses
// a malformed escape, NUL (no argument can carry it) and any raw byte the encoder
// would have escaped, so that every word reads back as it was written.
std::string encode_word(std::string_view text);
[[nodiscard]] bool decode_word(std::string_view text, std::string& word);

// An absolute path whose components are non-empty, not "." or "..", without
// NUL: any name a file system can hold (what the tree scan accepts).
[[nodiscard]] bool is_plain_abs_path(std::string_view p);

// A step or file name: [A-Za-z0-9._+-], 1..64 characters, not "." or "..".
[[nodiscard]] bool is_clean_name(std::string_view s);

// "file:line: what" — every format error reads the same way.
std::string located(std::string_view file, size_t line, std::string_view what);

} // namespace seedboot
