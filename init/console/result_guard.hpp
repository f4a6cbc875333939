// A step's output reaches the console through this filter. The QEMU runner
// trusts a console line that starts with "SEEDBOOT-RESULT: " as the run's result,
// and people read the console too: every line of a step's output starts with
// "> ", however the output is cut into chunks, so only the PID 1 can end a run.
// Control bytes other than tab and newline (a carriage return that would move
// the cursor back over the "> ", terminal escapes) are shown as '?'.
// When the PID 1 must write a line of its own while the step's line is
// unfinished (a kernel message, the step's end), finish() ends that line first;
// the rest of it comes later as a line of its own, marked again.
#pragma once

#include <string>
#include <string_view>

namespace init {

class ResultGuard {
  public:
    // What to write to the console for this chunk of the step's output.
    std::string feed(std::string_view chunk);
    // A newline if the step's current line is unfinished, else nothing.
    std::string finish();

  private:
    bool line_start_ = true;
};

} // namespace init
