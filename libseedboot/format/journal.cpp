#include "journal.hpp"

#include "text.hpp"

namespace seedboot {

bool Journal::finished(std::string_view step) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
        if (it->name == step) return it->kind == "done" && it->status == 0;
    return false;
}

bool Journal::unfinished(std::string_view step) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
        if (it->name == step) return it->kind == "begin" || it->status != 0;
    return false;
}

bool parse_journal(std::string_view text, std::string_view file, Journal& out, std::string& err) {
    Journal j;
    auto lines = split_lines(text);
    // A line without its '\n' is a write the power cut interrupted.
    if (!text.empty() && text.back() != '\n') lines.pop_back();
    size_t n = 0;
    for (std::string_view line : lines) {
        ++n;
        auto w = split_words(line);
        if (w.empty()) continue;
        JournalEvent e;
        e.kind = w[0];
        bool ok = false;
        if (e.kind == "layout") {
            ok = w.size() == 1;
            j.laid_out = true;
        } else if (e.kind == "begin") {
            ok = w.size() == 3 && parse_u64(w[1], e.index) && is_clean_name(w[2]);
        } else if (e.kind == "done") {
            ok = w.size() == 5 && parse_u64(w[1], e.index) && is_clean_name(w[2]) &&
                 parse_u64(w[3], e.status) && parse_u64(w[4], e.millis);
        }
        if (!ok) {
            err = located(file, n, "unreadable journal line (expected layout, begin or done)");
            return false;
        }
        if (e.kind == "layout") continue;
        e.name = w[2];
        j.events.push_back(std::move(e));
    }
    out = std::move(j);
    return true;
}

std::string journal_begin(uint64_t index, std::string_view name) {
    return "begin " + std::to_string(index) + " " + std::string(name) + "\n";
}

std::string journal_done(uint64_t index, std::string_view name, uint64_t status, uint64_t millis) {
    return "done " + std::to_string(index) + " " + std::string(name) + " " +
           std::to_string(status) + " " + std::to_string(millis) + "\n";
}

std::string result_line_ok() {
    return std::string(kResultPrefix) + "ok";
}

std::string result_line_fail(std::string_view step, int status) {
    return std::string(kResultPrefix) + "fail step=" + std::string(step) +
           " status=" + std::to_string(status);
}

bool parse_result_line(std::string_view line, ResultLine& out, std::string& err) {
    out = ResultLine{};
    auto expected = [&] {
        err = "result line '" + std::string(line.substr(0, 200)) + "' (expected '" +
              std::string(kResultPrefix) + "ok' or '" + std::string(kResultPrefix) +
              "fail step=NAME status=N')";
        return false;
    };
    if (!line.starts_with(kResultPrefix)) return expected();
    std::string_view rest = line.substr(kResultPrefix.size());
    if (rest == "ok") return out.ok = true;
    auto w = split_words(rest);
    uint64_t status = 0;
    if (w.size() != 3 || w[0] != "fail" || !w[1].starts_with("step=") ||
        !w[2].starts_with("status=") || !is_clean_name(w[1].substr(5)) ||
        !parse_u64(w[2].substr(7), status) || status == 0 || status > 255) {
        return expected();
    }
    out.step = std::string(w[1].substr(5));
    out.status = static_cast<int>(status);
    // One spelling only (single spaces, no leading zeros): what the PID 1 writes.
    return line == result_line_fail(out.step, out.status) || expected();
}

} // namespace seedboot
