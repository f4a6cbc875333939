// Boots a machine, copies its console to the terminal and a log file, and turns
// the PID 1's result line into an exit code. A guest that hangs is killed at
// the wall-clock limit; one that dies without a result line is a failure.
#pragma once

#include <string>
#include <vector>

namespace qemu {

enum class Outcome {
    ok,         // "SEEDBOOT-RESULT: ok"
    failed,     // "SEEDBOOT-RESULT: fail ..."
    no_result,  // QEMU exited without a result line (kernel panic, missing init, ...)
    timed_out,  // the wall-clock limit ended it
    power_cut,  // killed on purpose (RunOptions::power_cut_after), as a power loss would
    not_started // QEMU could not be run
};

struct RunReport {
    Outcome outcome = Outcome::not_started;
    std::string result_line; // the SEEDBOOT-RESULT line, if any
    double seconds = 0;      // wall time
    std::string error;       // what went wrong, for the user
};

struct RunOptions {
    unsigned timeout_s = 600;
    bool echo = true; // copy the console to stdout as it arrives
    // Test hook: SIGKILL QEMU the moment a console line contains this text,
    // which is what a power cut does to the guest (no sync, no unmount).
    std::string power_cut_after;
    // After the result line the guest only syncs and powers off; past this it is stopped. A
    // guest with a screen holds the result there for a minute first (init/screen.hpp).
    unsigned after_result_s = 30;
};

RunReport run_machine(const std::vector<std::string>& argv, const std::string& log_path,
                      const RunOptions& opt);

// 0 ok, 1 failed, 2 no result, 3 timed out, 4 not started, 5 power cut (as asked)
int exit_code(Outcome o);

} // namespace qemu
