// The work partition's /state journal and /result summary, written by the PID 1
// and read back by `seedboot status` and `seedboot extract`.
//
// /state is append-only, one line per event, fsync'd after each line:
//   layout                          the build tree was laid out (first boot)
//   begin <index> <name>            a step started
//   done <index> <name> <status> <milliseconds>
// A step counts as finished only with its "done" line; a trailing partial line
// (power cut mid-write) is ignored.
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

struct Journal {
    bool laid_out = false;
    std::vector<JournalEvent> events; // begin and done events, in order
    // Steps whose last event is "done" with status 0.
    bool finished(std::string_view step) const;
    // Steps that ran without finishing: cut off while running (last event
    // "begin") or failed (a "done" with a non-zero status). Their leftovers must
    // be set aside before they run again.
    bool unfinished(std::string_view step) const;
};

bool parse_journal(std::string_view text, std::string_view file, Journal& out, std::string& err);

std::string journal_begin(uint64_t index, std::string_view name);
std::string journal_done(uint64_t index, std::string_view name, uint64_t status, uint64_t millis);

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
