// Answers files: the expected hashes of a chain's outputs, in sha256sum's
// format ("<sha256>  <path>", as stage0-posix's ARCH.answers), paths relative
// to the build tree's root (a leading "./" or "/" is allowed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace seedboot {

struct Answer {
    std::string sha256;
    std::string path; // normalized: absolute within the build tree
};

[[nodiscard]] bool parse_answers(std::string_view text, std::string_view file,
                                 std::vector<Answer>& out, std::string& err);

} // namespace seedboot
