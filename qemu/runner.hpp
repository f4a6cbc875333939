// Boots a machine, copies its console to the terminal and a log file, and turns
// the PID 1's result line into an exit code. The run ends only when QEMU exits by
// itself (the guest powered off) or at the wall-clock limit (or, when asked, a limit
// for the guest's first line from Linux), never on a console line: "ok" needs the ok
// line and a clean exit of QEMU. A guest that hangs is killed at the limit (timed out,
// whatever it printed); one that dies without a result line is a failure. The caller
// still checks the work disk (run_verdict.hpp).
#pragma once

#include <string>
#include <vector>

namespace qemu {

enum class Outcome {
    ok,         // "SEEDBOOT-RESULT: ok", and QEMU exited 0 by itself
    failed,     // "SEEDBOOT-RESULT: fail ...", or QEMU itself failed
    no_result,  // QEMU exited without a result line (kernel panic, missing init, ...)
    timed_out,  // the wall-clock limit ended it
    power_cut,  // killed on purpose (RunOptions::power_cut_after), as a power loss would
    silent,     // killed: Linux printed no line within RunOptions::linux_within_s
    not_started // QEMU could not be run
};

struct RunReport {
    Outcome outcome = Outcome::not_started;
    std::string result_line;    // the SEEDBOOT-RESULT line, if any
    double seconds = 0;         // wall time
    std::string error;          // what went wrong, for the user
    bool linux_started = false; // the guest's Linux printed a line (ConsoleWatch)
};

struct RunOptions {
    unsigned timeout_s = 600;
    bool echo = true; // copy the console to stdout as it arrives
    // Test hook: SIGKILL QEMU the moment a console line contains this text,
    // which is what a power cut does to the guest (no sync, no unmount).
    std::string power_cut_after;
    // Non-zero: SIGKILL QEMU if the guest's Linux has printed no line after this many seconds
    // (Outcome::silent), as a KVM guest that hangs in the firmware does (accel_run.hpp).
    unsigned linux_within_s = 0;
    bool append_log = false; // add to the console log instead of starting it afresh
};

RunReport run_machine(const std::vector<std::string>& argv, const std::string& log_path,
                      const RunOptions& opt);

// 0 ok, 1 failed, 2 no result, 3 timed out or silent, 4 not started, 5 power cut (as asked)
int exit_code(Outcome o);

} // namespace qemu
