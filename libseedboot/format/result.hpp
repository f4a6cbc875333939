// The work partition's /result: the run's verdict. The PID 1 writes it once, atomically, at
// the end of every boot that got the work partition mounted, ok or not; the host reads it
// for the boot's verdict (builder/readback/run_verdict), `seedboot status` and a stage's
// output (builder/readback/stage_output). This is its one writer and its one parser.
//
// Format 1, one fact per line, in this order:
//   seedboot-result 1                        the format
//   arch <arch>                              the arch the plan is for
//   result ok                                every step passed
//   result fail step=<name> status=<n>       or: what failed (a step, or a phase: "answers")
//   cause work-partition-full                fail only, optional: the failure filled the disk
//   tree <root> <sha256> <entries>           ok only, optional: the plan's digest root
//   step <name> status=<n> ms=<n>            each step the journal shows done, in its order
//   output <sha256> [<root>:]<path>          each output hashed, in path order (ROOT: a
//                                            file of a named build root, as StageX's)
// Names are clean names (format/text.hpp), paths clean absolute paths, sha256 64 lowercase
// hex digits. The parser accepts exactly what the writer writes: anything else is refused
// with the file, the line and what was expected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seedboot {

inline constexpr std::string_view kResultHeader = "seedboot-result 1";

struct ResultStep {
    std::string name;
    uint64_t status = 0;
    uint64_t millis = 0;
};

struct ResultOutput {
    std::string sha256;
    std::string path;
};

struct RunResult {
    std::string arch;
    bool ok = false;
    std::string failed_step; // !ok: the step or phase that failed
    uint64_t status = 0;     // !ok: its exit status
    bool disk_full = false;  // !ok: the failure left the work partition full
    // ok, with a digest root: its tree digest. tree_root empty: none.
    std::string tree_root;
    std::string tree_sha256;
    uint64_t tree_entries = 0;
    std::vector<ResultStep> steps;
    std::vector<ResultOutput> outputs;
};

// `r` as /result's text. False with `err` naming the field when a value could not be read
// back (a name, path or digest of the wrong form, a cause or tree that does not fit the
// verdict, outputs out of path order).
[[nodiscard]] bool format_result(const RunResult& r, std::string& text, std::string& err);

// Reads /result's text (`file` names it in errors). False with `err` as "FILE:LINE: what",
// or "FILE: what" for a missing line.
[[nodiscard]] bool parse_result(std::string_view text, std::string_view file, RunResult& r,
                                std::string& err);

// The result line as people read it: "result ok" or "result fail step=NAME status=N".
std::string result_line(const RunResult& r);

} // namespace seedboot
