// Variable expansion in Containerfile words, as BuildKit does it for FROM, ARG,
// ENV, WORKDIR, COPY and ADD (never for RUN: the step's shell expands that).
//   'single quotes' literal; "double quotes" expand $; \x escapes x;
//   $NAME ${NAME} ${NAME:-word} ${NAME-word} ${NAME:+word} ${NAME+word}
// Anything else after '${' is refused rather than guessed at.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace builder::stagex {

using Vars = std::map<std::string, std::string>;

// A word: quotes are removed. false with `err` saying what could not be read.
[[nodiscard]] bool expand_word(std::string_view word, const Vars& vars, std::string& out,
                               std::string& err);

// A here-document's content (unquoted delimiter): only $ expansions and '\$'; quotes
// and other backslashes stay as written.
[[nodiscard]] bool expand_raw(std::string_view text, const Vars& vars, std::string& out,
                              std::string& err);

} // namespace builder::stagex
