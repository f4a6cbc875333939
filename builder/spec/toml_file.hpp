// toml++ as seedboot's readers use it: built without exceptions, its Unicode tables
// fixed first (toml_unicode_ub_fix.hpp), and one way to read a file whose syntax
// errors read "FILE:LINE: what".
#pragma once

#define TOML_EXCEPTIONS 0
#include "toml_unicode_ub_fix.hpp"
#include <toml++/toml.h>

#include "libseedboot/format/text.hpp"

#include <string>

namespace builder {

// Parses the file at `path`; false with "PATH:LINE: what" if it is not TOML.
[[nodiscard]] inline bool parse_toml_file(const std::string& path, toml::parse_result& out,
                                          std::string& err) {
    out = toml::parse_file(path);
    if (out) return true;
    err = seedboot::located(path, out.error().source().begin.line,
                            std::string(out.error().description()));
    return false;
}

} // namespace builder
