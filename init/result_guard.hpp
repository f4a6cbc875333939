// A step's output reaches the console through this filter. The QEMU runner
// trusts a console line that starts with "SEEDBOOT-RESULT: " as the run's
// result, so a step's line that starts like that gets "> " in front: only the
// PID 1 can end a run. The filter also ends a step's unfinished last line, so
// that the PID 1's next line (its result line, say) starts a line of its own.
#pragma once

#include <string>
#include <string_view>

namespace init {

class ResultGuard {
  public:
    // What to write to the console now. While the start of a line could still
    // become the prefix, up to its length is held back.
    std::string feed(std::string_view chunk);
    // At the end of a step: what was held back, and a newline if the step's
    // last line was unfinished.
    std::string finish();

  private:
    std::string held_;     // the current line's start: a proper prefix of the result prefix
    bool deciding_ = true; // the current line's start is still being read
    bool mid_line_ = false;
};

} // namespace init
