// Reads a Containerfile (Dockerfile syntax) into its instructions: the subset
// StageX's bootstrap stages use, nothing more. Anything outside it is refused
// with FILE:LINE, never skipped: a step we did not understand must not run.
//
// Syntax kept (BuildKit's rules): '#' comment lines, a leading `# syntax=`
// directive (ignored: we are the frontend), '\' line continuations, one
// here-document per instruction (<<EOF, <<-EOF strips leading tabs, a quoted
// delimiter turns expansion off), JSON exec form, --flag=value options.
// Instructions: FROM ARG ENV WORKDIR SHELL RUN COPY ADD.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace builder::stagex {

struct Heredoc {
    std::string delimiter;
    bool expand = true;  // the delimiter was not quoted
    std::string content; // every line with its '\n'; leading tabs gone for <<-
};

struct Instruction {
    std::string keyword;                                    // upper case
    size_t line = 0;                                        // the keyword's line, for messages
    std::vector<std::pair<std::string, std::string>> flags; // --name=value, in order
    bool exec_form = false;                                 // the arguments were a JSON array
    std::vector<std::string> args; // exec form: the array; otherwise the words (quotes kept)
    std::string text;              // the arguments as written, continuations joined
    std::vector<Heredoc> heredocs; // at most one
};

struct Containerfile {
    std::string file; // for messages
    std::vector<Instruction> instructions;
};

[[nodiscard]] bool parse_containerfile(std::string_view text, const std::string& file,
                                       Containerfile& out, std::string& err);

// A JSON array of strings (the exec form); false if `text` is not one.
[[nodiscard]] bool parse_json_strings(std::string_view text, std::vector<std::string>& out);

// Splits on unquoted blanks; quotes and backslashes stay in the words (BuildKit
// removes them when it expands a word: see expand.hpp).
std::vector<std::string> split_raw_words(std::string_view text);

} // namespace builder::stagex
