// Kernel messages while a step runs. The kernel would write them to the console
// itself, in the middle of a step's unfinished line, and the step's next text
// would start a fresh, unmarked console line. So during a step the console's
// log level lets only emergencies through (a panic ends the run anyway), and the
// PID 1 forwards every message from /dev/kmsg as a whole line of its own:
//   seedboot: kernel: [   25.720113] Out of memory: Killed process 97 (hog) ...
// which makes the PID 1 the console's only writer while a step runs.
#pragma once

#include "libseedboot/sys/fd.hpp"

#include <string>

namespace init {

using seedboot::Fd;

class KernelLog {
  public:
    // Opens /dev/kmsg and reads the console's log level; false with the console told why.
    [[nodiscard]] bool open();
    // Before a step: from now on the kernel's messages reach the console only through forward().
    void quiet();
    // After a step (and a last forward()): the kernel prints to the console itself again.
    void restore();
    // Appends each message logged since quiet() and not yet forwarded, one line each,
    // if the kernel would have printed it (its level below the console's).
    void forward(std::string& lines);
    int fd() const { return kmsg_.get(); }

  private:
    Fd kmsg_;
    int level_ = 0; // the console log level to restore
    char record_[8192];
};

} // namespace init
