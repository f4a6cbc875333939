#include "journal.hpp"

#include "text.hpp"

#include "libseedboot/sys/sha256.hpp"

#include <cstdio>
#include <zlib.h>

namespace seedboot {

bool Journal::finished(std::string_view step) const {
    const JournalEvent* e = done_event(step);
    return e && e->status == 0 && last_is_done(step);
}

bool Journal::unfinished(std::string_view step) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
        if (it->kind != "flatten" && it->name == step)
            return it->kind == "begin" || it->status != 0;
    return false;
}

const JournalEvent* Journal::done_event(std::string_view step) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
        if (it->kind == "done" && it->name == step) return &*it;
    return nullptr;
}

bool Journal::last_is_done(std::string_view step) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
        if (it->kind != "flatten" && it->name == step) return it->kind == "done";
    return false;
}

namespace {

[[nodiscard]] bool is_layer_digest(std::string_view s) {
    return s == "-" || is_sha256_hex(s);
}

// The layer fields of a format 3 line: DIGEST ENTRIES KEY (KEY absent for flatten).
[[nodiscard]] bool parse_layer(const std::vector<std::string_view>& w, size_t at, bool with_key,
                               JournalEvent& e) {
    if (w.size() != at + (with_key ? 3 : 2)) return false;
    e.layer = w[at];
    if (!is_layer_digest(e.layer) || !parse_u64(w[at + 1], e.layer_entries)) return false;
    if (e.layer == "-" && e.layer_entries != 0) return false;
    if (!with_key) return e.layer != "-";
    e.key = w[at + 2];
    return is_layer_digest(e.key);
}

[[nodiscard]] bool parse_done(const std::vector<std::string_view>& w, uint64_t format,
                              JournalEvent& e) {
    if (w.size() < 5 || !parse_u64(w[1], e.index) || !is_clean_name(w[2]) ||
        !parse_u64(w[3], e.status) || !parse_u64(w[4], e.millis))
        return false;
    e.name = w[2];
    if (format < 3) return w.size() == 5;
    if (w.size() < 6 || (w[5] != "run" && w[5] != "cached")) return false;
    e.cached = w[5] == "cached";
    return parse_layer(w, 6, true, e) && (e.status == 0 || e.layer == "-");
}

// One event line's words (its check removed): false if they are not a journal event of
// `format`. A layout line fills in the journal's layout fields.
[[nodiscard]] bool parse_event(const std::vector<std::string_view>& w, uint64_t format,
                               JournalEvent& e, Journal& j) {
    if (w.empty()) return false;
    e.kind = w[0];
    if (e.kind == "layout") {
        if (format < 3) return w.size() == 1;
        JournalEvent l;
        if (!parse_layer(w, 1, true, l)) return false;
        j.layout_layer = l.layer;
        j.layout_entries = l.layer_entries;
        j.layout_key = l.key;
        return true;
    }
    if (e.kind == "begin") {
        if (w.size() != 3 || !parse_u64(w[1], e.index) || !is_clean_name(w[2])) return false;
        e.name = w[2];
        return true;
    }
    if (e.kind == "done") return parse_done(w, format, e);
    if (e.kind == "flatten" && format >= 3) {
        e.root = w.size() > 2 ? std::string(w[2]) : "";
        return w.size() > 2 && parse_u64(w[1], e.index) && is_clean_name(w[2]) &&
               parse_layer(w, 3, false, e);
    }
    return false;
}

void add_event(Journal& j, JournalEvent&& e) {
    if (e.kind == "layout") {
        j.laid_out = true;
        j.layout_offset = e.offset;
    } else {
        j.events.push_back(std::move(e));
    }
}

// Formats 2 and 3: the line's text without its check, if the check holds; else why not.
[[nodiscard]] bool checked_body(std::string_view line, std::string_view& body, std::string& why) {
    size_t sp = line.rfind(' ');
    if (sp == std::string_view::npos || line.size() - sp != 9) {
        why = "it has no check";
        return false;
    }
    if (line.substr(sp + 1) != journal_check(line.substr(0, sp))) {
        why = "its check fails";
        return false;
    }
    body = line.substr(0, sp);
    return true;
}

// The damaged line's text as the console may show it: printable ASCII, at most 80 bytes.
std::string shown(std::string_view line) {
    std::string out;
    for (char c : line.substr(0, 80)) out += c >= 0x20 && c < 0x7f ? c : '?';
    return line.size() > 80 ? out + "..." : out;
}

[[nodiscard]] bool is_format1_line(std::string_view line) {
    JournalEvent e;
    Journal j;
    return parse_event(split_words(line), 1, e, j);
}

enum class LineIs { event, header, damaged, refused };

// The first line of a checked journal: its format (2 or 3), damaged, or refused (`err`: a
// format newer than this reader).
LineIs read_header(std::string_view body, size_t n, std::string_view file, Journal& j,
                   std::string& why, std::string& err) {
    uint64_t v = 0;
    auto w = split_words(body);
    if (w.size() == 2 && w[0] == "seedboot-journal" && parse_u64(w[1], v) && v >= 2 &&
        body == "seedboot-journal " + std::to_string(v)) {
        if (v <= kJournalFormat) {
            j.format = v;
            return LineIs::header;
        }
        err = located(file, n,
                      "journal format " + std::string(w[1]) +
                          " is newer than this seedboot reads (expected 1, 2 or 3)");
        return LineIs::refused;
    }
    why = "not the journal's first line 'seedboot-journal N'";
    return LineIs::damaged;
}

// Line `n` of a checked journal: its event (or the format line), or damaged (`why`).
LineIs read_checked(std::string_view line, size_t n, std::string_view file, Journal& j,
                    JournalEvent& e, std::string& why, std::string& err) {
    std::string_view body;
    if (!checked_body(line, body, why)) return LineIs::damaged;
    if (n == 1) return read_header(body, n, file, j, why, err);
    why = "not a layout, begin, done or flatten line of format " + std::to_string(j.format);
    return parse_event(split_words(body), j.format, e, j) ? LineIs::event : LineIs::damaged;
}

} // namespace

[[nodiscard]] bool parse_journal(std::string_view text, std::string_view file, Journal& out,
                                 std::string& err) {
    Journal j;
    size_t at = 0, n = 0;
    // Only complete lines count: a line without its '\n' is a write the power cut interrupted.
    for (size_t nl; (nl = text.find('\n', at)) != std::string_view::npos; at = nl + 1) {
        std::string_view line = text.substr(at, nl - at);
        if (++n == 1) j.format = is_format1_line(line) ? 1 : 2;
        if (j.damaged_line) {
            ++j.untrusted_lines;
            continue;
        }
        JournalEvent e;
        e.offset = at;
        std::string why;
        LineIs is = LineIs::event;
        if (j.format == 1 && !parse_event(split_words(line), 1, e, j)) {
            err = located(file, n, "unreadable journal line (expected layout, begin or done)");
            return false;
        }
        if (j.format >= 2) is = read_checked(line, n, file, j, e, why, err);
        if (is == LineIs::refused) return false;
        if (is == LineIs::damaged) {
            j.damaged_line = n;
            j.damaged_text = shown(line);
            j.damage = why;
            j.untrusted_lines = 1;
            continue;
        }
        if (is == LineIs::event) add_event(j, std::move(e));
        j.trusted_bytes = nl + 1;
    }
    out = std::move(j);
    return true;
}

std::string Journal::damage_report(std::string_view file) const {
    if (!damaged_line) return "";
    return "line " + std::to_string(damaged_line) + " of " + std::string(file) + " is damaged (" +
           damage + "): '" + damaged_text + "'; it and the " + std::to_string(untrusted_lines - 1) +
           " line(s) after it are not trusted";
}

std::string journal_check(std::string_view body) {
    uLong crc = ::crc32(0L, Z_NULL, 0);
    crc = ::crc32(crc, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08lx", static_cast<unsigned long>(crc & 0xffffffffUL));
    return hex;
}

namespace {

std::string sealed(std::string body, uint64_t format) {
    if (format >= 2) body += " " + journal_check(body);
    return body + "\n";
}

std::string layer_words(const LayerLine& l, bool with_key) {
    return " " + l.digest + " " + std::to_string(l.entries) + (with_key ? " " + l.key : "");
}

std::string done_body(uint64_t index, std::string_view name, uint64_t status, uint64_t millis) {
    return "done " + std::to_string(index) + " " + std::string(name) + " " +
           std::to_string(status) + " " + std::to_string(millis);
}

} // namespace

std::string journal_header() {
    return journal_header_v(kJournalFormat);
}

std::string journal_layout(const LayerLine& layer) {
    return sealed("layout" + layer_words(layer, true), kJournalFormat);
}

std::string journal_begin(uint64_t index, std::string_view name) {
    return journal_begin_v(index, name, kJournalFormat);
}

std::string journal_done(uint64_t index, std::string_view name, uint64_t status, uint64_t millis,
                         const LayerLine& layer) {
    return sealed(done_body(index, name, status, millis) + (layer.cached ? " cached" : " run") +
                      layer_words(layer, true),
                  kJournalFormat);
}

std::string journal_flatten(uint64_t index, std::string_view root, const LayerLine& layer) {
    return sealed("flatten " + std::to_string(index) + " " + std::string(root) +
                      layer_words(layer, false),
                  kJournalFormat);
}

std::string journal_header_v(uint64_t format) {
    return sealed("seedboot-journal " + std::to_string(format), 2);
}

std::string journal_layout_v(uint64_t format) {
    return sealed("layout", format);
}

std::string journal_begin_v(uint64_t index, std::string_view name, uint64_t format) {
    return sealed("begin " + std::to_string(index) + " " + std::string(name), format);
}

std::string journal_done_v(uint64_t index, std::string_view name, uint64_t status, uint64_t millis,
                           uint64_t format) {
    return sealed(done_body(index, name, status, millis), format);
}

std::string result_line_ok() {
    return std::string(kResultPrefix) + "ok";
}

std::string result_line_fail(std::string_view step, int status) {
    return std::string(kResultPrefix) + "fail step=" + std::string(step) +
           " status=" + std::to_string(status);
}

[[nodiscard]] bool parse_result_line(std::string_view line, ResultLine& out, std::string& err) {
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
