// Progress of a running step, told on the console at most every few seconds:
// commands run so far (kaem's " +> " lines, or plain lines for other programs)
// against the count the plan expects (from an earlier run), elapsed time and
// an estimate of what is left.
#pragma once

#include "libseedboot/format/plan.hpp"

#include <cstdint>
#include <string_view>

namespace init {

class Progress {
  public:
    explicit Progress(const seedboot::PlanStep& step);
    // Counts the complete lines in `chunk`; returns how many it saw.
    uint64_t feed(std::string_view chunk);
    uint64_t commands() const { return commands_; }

  private:
    void maybe_report();

    const seedboot::PlanStep& step_;
    uint64_t lines_ = 0;
    uint64_t commands_ = 0;
    // How much of " +> " the current line has begun with so far: kaem writes the
    // marker in pieces, so it can span chunks of the pipe (-1: this line is not one).
    int marker_ = 0;
    double start_s_ = 0;
    double last_report_s_ = 0;
};

} // namespace init
