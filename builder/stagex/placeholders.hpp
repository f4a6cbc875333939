// The placeholders of StageX's package.toml ("{version}", "{file}", ...): StageX's
// Python expands `file` and `mirrors` with str.format and keyword arguments. This
// takes the part of that syntax such a string can sensibly use, plain {name} fields
// and the {{ }} escapes, and refuses the rest (positional fields, conversions,
// format specs) rather than guess.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace builder::stagex {

// One keyword argument. A field with a `missing` reason is one StageX names but
// cannot give a value here (no version at all, a version with no minor part):
// using it is an error that says why, where StageX would print "None" or "".
struct Field {
    std::string name, value, missing;
};
using Fields = std::vector<Field>;

// Expands `text`. On failure `err` says which placeholder and what was expected
// (the caller adds file, line and key).
[[nodiscard]] bool expand(std::string_view text, const Fields& fields, std::string& out,
                          std::string& err);

// The fields StageX derives from a version (common.py: WithVersion): version,
// version_under (. -> _), version_dash (. -> -), version_major (up to the first .),
// version_major_minor (the first two parts), version_strip_suffix (up to the first -).
// `no_version` is the reason used when `version` is empty.
Fields version_fields(const std::string& version, const std::string& no_version);

// What StageX's Python gives for version_major_minor of a version with fewer than
// two parts: its function returns None and an f-string prints "None". StageX passes
// exactly that as the VERSION_MAJOR_MINOR build argument.
std::string python_major_minor(const std::string& version);

} // namespace builder::stagex
