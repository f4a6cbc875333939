#include "result.hpp"

#include "text.hpp"

namespace seedboot {

namespace {

[[nodiscard]] bool is_sha256(std::string_view s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

// An output's name: a clean absolute path, or ROOT:PATH for a file of a named build root.
[[nodiscard]] bool is_output_name(std::string_view s) {
    size_t colon = s.find(':');
    if (colon == std::string_view::npos || s[0] == '/') return is_clean_abs_path(s);
    return is_clean_name(s.substr(0, colon)) && is_clean_abs_path(s.substr(colon + 1));
}

// "KEY=N" as N.
[[nodiscard]] bool keyed_u64(std::string_view word, std::string_view key, uint64_t& out) {
    return word.size() > key.size() + 1 && word.substr(0, key.size()) == key &&
           word[key.size()] == '=' && parse_u64(word.substr(key.size() + 1), out);
}

// Why `r` cannot be written so that it reads back the same; empty: it can.
std::string unwritable(const RunResult& r) {
    if (!is_clean_name(r.arch)) return "arch '" + r.arch + "' is not a clean name";
    if (!r.ok && !is_clean_name(r.failed_step))
        return "failed step '" + r.failed_step + "' is not a clean name";
    if (r.ok && r.disk_full) return "a cause on a result that is ok";
    if (!r.tree_root.empty() && (!r.ok || !is_clean_name(r.tree_root) || !is_sha256(r.tree_sha256)))
        return "tree '" + r.tree_root + " " + r.tree_sha256 +
               "' (expected a clean name and a sha256, on a result that is ok)";
    for (const auto& s : r.steps)
        if (!is_clean_name(s.name)) return "step '" + s.name + "' is not a clean name";
    for (size_t i = 0; i < r.outputs.size(); ++i) {
        const auto& o = r.outputs[i];
        if (!is_sha256(o.sha256) || !is_output_name(o.path))
            return "output '" + o.sha256 + " " + o.path +
                   "' (expected a sha256 and a clean absolute path, or ROOT:PATH)";
        if (i > 0 && !(r.outputs[i - 1].path < o.path))
            return "output " + o.path + " is out of path order";
    }
    return "";
}

// The lines after the result line, each read into `r` if it fits where it stands. `stage`
// is how far the order has got: 0 cause, 1 tree, 2 steps, 3 outputs.
std::string read_fact(const std::vector<std::string_view>& w, int& stage, RunResult& r) {
    if (w[0] == "cause" && stage < 1 && w.size() == 2 && w[1] == "work-partition-full" && !r.ok) {
        r.disk_full = true;
        stage = 1;
        return "";
    }
    if (w[0] == "tree" && stage < 2 && w.size() == 4 && r.ok && is_clean_name(w[1]) &&
        is_sha256(w[2]) && parse_u64(w[3], r.tree_entries)) {
        r.tree_root = w[1];
        r.tree_sha256 = w[2];
        stage = 2;
        return "";
    }
    ResultStep s;
    if (w[0] == "step" && stage <= 2 && w.size() == 4 && is_clean_name(w[1]) &&
        keyed_u64(w[2], "status", s.status) && keyed_u64(w[3], "ms", s.millis)) {
        s.name = w[1];
        r.steps.push_back(s);
        stage = 2;
        return "";
    }
    if (w[0] == "output" && w.size() == 3 && is_sha256(w[1]) && is_output_name(w[2]) &&
        (r.outputs.empty() || r.outputs.back().path < w[2])) {
        r.outputs.push_back({std::string(w[1]), std::string(w[2])});
        stage = 3;
        return "";
    }
    return "expected, in this order: [cause work-partition-full] (fail only), [tree ROOT "
           "SHA256 ENTRIES] (ok only), step NAME status=N ms=N..., output SHA256 [ROOT:]PATH... "
           "(in path order)";
}

// Only the writer's own text is accepted (no other spacing, no leading zeros), so that
// there is one text for each result: each line must be as format_result writes it.
[[nodiscard]] bool written_so(std::string_view text, std::string_view file, const RunResult& r,
                              std::string& err) {
    std::string canon;
    if (!format_result(r, canon, err)) return false;
    auto got = split_lines(text), want = split_lines(canon);
    for (size_t i = 0; i < got.size() && i < want.size(); ++i)
        if (got[i] != want[i]) {
            err = located(file, i + 1,
                          "'" + std::string(got[i]) + "': not as seedboot writes it (expected '" +
                              std::string(want[i]) + "')");
            return false;
        }
    return true;
}

// The result line, "result ok" or "result fail step=NAME status=N", into `r`.
[[nodiscard]] bool read_verdict(std::string_view line, RunResult& r) {
    if (line == "result ok") return r.ok = true;
    auto w = split_words(line);
    if (w.size() != 4 || w[0] != "result" || w[1] != "fail" || w[2].substr(0, 5) != "step=" ||
        !is_clean_name(w[2].substr(5)) || !keyed_u64(w[3], "status", r.status))
        return false;
    r.failed_step = w[2].substr(5);
    return true;
}

} // namespace

std::string result_line(const RunResult& r) {
    return r.ok ? "result ok"
                : "result fail step=" + r.failed_step + " status=" + std::to_string(r.status);
}

[[nodiscard]] bool format_result(const RunResult& r, std::string& text, std::string& err) {
    err = unwritable(r);
    if (!err.empty()) {
        err = "/result: " + err;
        return false;
    }
    text = std::string(kResultHeader) + "\narch " + r.arch + "\n" + result_line(r) + "\n";
    if (r.disk_full) text += "cause work-partition-full\n";
    if (!r.tree_root.empty())
        text += "tree " + r.tree_root + " " + r.tree_sha256 + " " + std::to_string(r.tree_entries) +
                "\n";
    for (const auto& s : r.steps)
        text += "step " + s.name + " status=" + std::to_string(s.status) +
                " ms=" + std::to_string(s.millis) + "\n";
    for (const auto& o : r.outputs) text += "output " + o.sha256 + " " + o.path + "\n";
    return true;
}

[[nodiscard]] bool parse_result(std::string_view text, std::string_view file, RunResult& r,
                                std::string& err) {
    r = RunResult{};
    if (!text.empty() && text.back() != '\n') {
        err = std::string(file) + ": its last line has no end (expected whole lines)";
        return false;
    }
    auto lines = split_lines(text);
    const char* missing = lines.empty()      ? "no first line (expected '"
                                               "seedboot-result 1')"
                          : lines.size() < 2 ? "no arch line (expected 'arch ARCH')"
                          : lines.size() < 3 ? "no result line (expected 'result ok' or "
                                               "'result fail step=NAME status=N')"
                                             : nullptr;
    if (missing) {
        err = std::string(file) + ": " + missing;
        return false;
    }
    auto bad = [&](size_t i, const std::string& what) {
        err = located(file, i + 1, "'" + std::string(lines[i]) + "': " + what);
        return false;
    };
    if (lines[0] != kResultHeader)
        return bad(0, "expected '" + std::string(kResultHeader) + "' (format 1)");
    auto arch = split_words(lines[1]);
    if (arch.size() != 2 || arch[0] != "arch" || !is_clean_name(arch[1]))
        return bad(1, "expected 'arch ARCH'");
    r.arch = arch[1];
    if (!read_verdict(lines[2], r))
        return bad(2, "expected 'result ok' or 'result fail step=NAME status=N'");
    int stage = 0;
    for (size_t i = 3; i < lines.size(); ++i) {
        auto w = split_words(lines[i]);
        std::string why = w.empty() ? "an empty line" : read_fact(w, stage, r);
        if (!why.empty()) return bad(i, why);
    }
    return written_so(text, file, r, err);
}

} // namespace seedboot
