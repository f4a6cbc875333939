#include "answers.hpp"

#include "libseedboot/sys/sha256.hpp"
#include "text.hpp"

namespace seedboot {

[[nodiscard]] bool parse_answers(std::string_view text, std::string_view file,
                                 std::vector<Answer>& out, std::string& err) {
    std::vector<Answer> answers;
    size_t n = 0;
    for (std::string_view line : split_lines(text)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        auto w = split_words(line);
        if (w.empty() || w[0][0] == '#') continue;
        // sha256sum marks binary mode with '*' before the name.
        std::string_view path = w.size() == 2 && w[1][0] == '*' ? w[1].substr(1)
                                : w.size() == 2                 ? w[1]
                                                                : "";
        if (w.size() != 2 || !is_sha256_hex(w[0]) || path.empty()) {
            err = located(file, n, "expected '<64 lower-case hex digits>  <path>'");
            return false;
        }
        // Errors quote the path as written, without sha256sum's '*'.
        const std::string written(path);
        if (path.substr(0, 2) == "./") path.remove_prefix(2);
        // "./" alone (or "/") names the build tree itself, not a file.
        if (path.empty() || path == "/") {
            err = located(file, n, "path '" + written + "' names no file");
            return false;
        }
        std::string abs = path[0] == '/' ? std::string(path) : "/" + std::string(path);
        if (!is_clean_abs_path(abs)) {
            err = located(file, n, "path '" + written + "' is not clean (no '..', no spaces)");
            return false;
        }
        answers.push_back({std::string(w[0]), std::move(abs)});
    }
    out = std::move(answers);
    return true;
}

} // namespace seedboot
