// The work partition's /state journal and /result summary, written by the PID 1
// and read back by `seedboot status` and `seedboot extract`.
//
// /state is append-only, one line per event, fsync'd after each line:
//   seedboot-journal 2 <check>      the format (first line)
//   layout <check>                  the build tree was laid out (first boot)
//   begin <index> <name> <check>    a step started
//   done <index> <name> <status> <milliseconds> <check>
// <check> is the CRC-32 (zlib's) of the line's text before " <check>", as 8 lowercase hex
// digits: a line that bit rot changed fails it. The first line that fails its check, or does
// not parse, ends the trusted journal: nothing after it is trusted (a later line may describe
// work done on top of what the damaged line said). A step counts as finished only with its
// "done" line; a trailing partial line (power cut mid-write) is ignored.
//
// Format 1 (before seedboot-journal 2): the same lines without checks and without the first
// line. It is read as before, and the PID 1 keeps appending to it in format 1, so that a run
// begun by an older seedboot finishes; an unreadable line of format 1 is an error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seedboot {

struct JournalEvent {
    std::string kind; // "layout", "begin" or "done"
    uint64_t index = 0;
    std::string name;
    uint64_t status = 0;
    uint64_t millis = 0;
};

inline constexpr uint64_t kJournalFormat = 2;

struct Journal {
    uint64_t format = 0; // 1 or 2; 0: empty (a new journal is written in kJournalFormat)
    bool laid_out = false;
    // The bytes of the text that are trusted: its complete lines up to the first damaged
    // one (or the end). The PID 1 cuts /state to this length before it appends.
    size_t trusted_bytes = 0;
    // The first damaged line (format 2): its number from 1, its text, and what is wrong;
    // damaged_line 0: none. untrusted_lines counts it and every complete line after it.
    size_t damaged_line = 0;
    std::string damaged_text;
    std::string damage;
    size_t untrusted_lines = 0;
    std::vector<JournalEvent> events; // begin and done events, in order
    // Steps whose last event is "done" with status 0.
    bool finished(std::string_view step) const;
    // Steps that ran without finishing: cut off while running (last event
    // "begin") or failed (a "done" with a non-zero status). Their leftovers must
    // be set aside before they run again.
    bool unfinished(std::string_view step) const;
    // The damage as one line for people: "line N of FILE is damaged (WHAT): 'TEXT'; ...".
    std::string damage_report(std::string_view file) const;
};

bool parse_journal(std::string_view text, std::string_view file, Journal& out, std::string& err);

// The lines the PID 1 appends, each with its '\n', in `format` (that of the journal they go
// to: kJournalFormat for a new one, which starts with journal_header()).
std::string journal_header();
std::string journal_layout(uint64_t format = kJournalFormat);
std::string journal_begin(uint64_t index, std::string_view name, uint64_t format = kJournalFormat);
std::string journal_done(uint64_t index, std::string_view name, uint64_t status, uint64_t millis,
                         uint64_t format = kJournalFormat);
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
bool parse_result_line(std::string_view line, ResultLine& out, std::string& err);

} // namespace seedboot
