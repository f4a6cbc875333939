// The work partition's /state journal and /result summary, written by the PID 1
// and read back by `seedboot status` and `seedboot extract`.
//
// /state is append-only, one line per event, fsync'd after each line (format 3):
//   seedboot-journal 3 <check>                   the format (first line)
//   layout <digest> <entries> <key> <check>      the build tree's first layer is committed
//   begin <index> <name> <check>                 a step started
//   done <index> <name> <status> <ms> <how> <digest> <entries> <key> <check>
//                                                a step ended; status 0 commits its layer
//                                                (how: run or cached; digest "-": no layer)
//   flatten <index> <root> <digest> <entries> <check>
//                                                before step <index>, <root>'s stack was
//                                                flattened into one layer
// (format/layers.hpp says what a layer, its digest and its key are.)
// <check> is the CRC-32 (zlib's) of the line's text before " <check>", as 8 lowercase hex
// digits: a line that bit rot changed fails it. The first line that fails its check, or does
// not parse, ends the trusted journal: nothing after it is trusted (a later line may describe
// work done on top of what the damaged line said). A step counts as finished only with its
// "done" line; a trailing partial line (power cut mid-write) is ignored.
//
// Formats 1 and 2 (before build roots were layers) have the same lines without the layer
// fields; format 1 has no checks and no first line. `seedboot status` still reads them; the
// PID 1 refuses to resume such a run (its build tree is not made of layers).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seedboot {

struct JournalEvent {
    std::string kind; // "begin", "done" or "flatten"
    uint64_t index = 0;
    std::string name; // begin, done: the step's name
    uint64_t status = 0;
    uint64_t millis = 0;
    // done with status 0, and flatten (format 3): the layer it committed. layer "-": none
    // (a step that starts a root from another, or one that failed).
    bool cached = false; // done: the layer came from the layer cache, the step did not run
    std::string layer = "-";
    uint64_t layer_entries = 0;
    std::string key = "-"; // done: the layer's cache key
    std::string root;      // flatten: the root whose stack it flattened
    size_t offset = 0;     // where the line starts in the journal's text
};

inline constexpr uint64_t kJournalFormat = 3;

struct Journal {
    uint64_t format = 0; // 1, 2 or 3; 0: empty (a new journal is written in kJournalFormat)
    bool laid_out = false;
    // Format 3: the layout layer's digest, entry count and cache key.
    std::string layout_layer = "-";
    uint64_t layout_entries = 0;
    std::string layout_key = "-";
    size_t layout_offset = 0; // where the layout line starts
    // The bytes of the text that are trusted: its complete lines up to the first damaged
    // one (or the end). The PID 1 cuts /state to this length before it appends.
    size_t trusted_bytes = 0;
    // The first damaged line (format 2): its number from 1, its text, and what is wrong;
    // damaged_line 0: none. untrusted_lines counts it and every complete line after it.
    size_t damaged_line = 0;
    std::string damaged_text;
    std::string damage;
    size_t untrusted_lines = 0;
    std::vector<JournalEvent> events; // begin, done and flatten events, in order
    // Steps whose last event is "done" with status 0.
    [[nodiscard]] bool finished(std::string_view step) const;
    // That step's last "done" event, or null.
    const JournalEvent* done_event(std::string_view step) const;
    // Whether the step's last begin or done event is a done.
    [[nodiscard]] bool last_is_done(std::string_view step) const;
    // Steps that ran without finishing: cut off while running (last event
    // "begin") or failed (a "done" with a non-zero status). Their leftovers must
    // be set aside before they run again.
    [[nodiscard]] bool unfinished(std::string_view step) const;
    // The damage as one line for people: "line N of FILE is damaged (WHAT): 'TEXT'; ...".
    std::string damage_report(std::string_view file) const;
};

[[nodiscard]] bool parse_journal(std::string_view text, std::string_view file, Journal& out,
                                 std::string& err);

// The lines the PID 1 appends, each with its '\n' (format 3; a new journal starts with
// journal_header()). The _v lines are an older format's, for the readers' tests.
struct LayerLine {
    std::string digest = "-"; // "-": no layer
    uint64_t entries = 0;
    std::string key = "-";
    bool cached = false;
};
std::string journal_header();
std::string journal_layout(const LayerLine& layer);
std::string journal_begin(uint64_t index, std::string_view name);
std::string journal_done(uint64_t index, std::string_view name, uint64_t status, uint64_t millis,
                         const LayerLine& layer = {});
std::string journal_flatten(uint64_t index, std::string_view root, const LayerLine& layer);
std::string journal_header_v(uint64_t format);
std::string journal_layout_v(uint64_t format);
std::string journal_begin_v(uint64_t index, std::string_view name, uint64_t format);
std::string journal_done_v(uint64_t index, std::string_view name, uint64_t status, uint64_t millis,
                           uint64_t format);
// A journal's check of `body` (a line's text before " <check>").
std::string journal_check(std::string_view body);

// Console protocol: the PID 1's last line, and the only one the QEMU runner trusts.
inline constexpr std::string_view kResultPrefix = "SEEDBOOT-RESULT: ";
std::string result_line_ok();
std::string result_line_fail(std::string_view step, int status);

struct ResultLine {
    bool ok = false;
    std::string step; // fail only: the step or boot stage that failed
    int status = 0;   // fail only: 1..255
};

// Reads "SEEDBOOT-RESULT: ok" or "SEEDBOOT-RESULT: fail step=NAME status=N", exactly as the
// PID 1 writes them; anything else is an error that says what was expected.
[[nodiscard]] bool parse_result_line(std::string_view line, ResultLine& out, std::string& err);

} // namespace seedboot
