#include "init/console/progress.hpp"

#include "init/console/console.hpp"

#include <algorithm>
#include <cstdio>

namespace init {

namespace {
constexpr double kReportEvery = 10.0; // seconds: often enough to see life, rare enough to read
}

Progress::Progress(const seedboot::PlanStep& step) : step_(step) {
    start_s_ = last_report_s_ = seconds_since_boot();
}

uint64_t Progress::feed(std::string_view chunk) {
    uint64_t n = static_cast<uint64_t>(std::count(chunk.begin(), chunk.end(), '\n'));
    lines_ += n;
    static constexpr std::string_view kMarker = " +> ";
    for (char c : chunk) {
        if (c == '\n') {
            marker_ = 0;
        } else if (marker_ >= 0) {
            marker_ = c == kMarker[static_cast<size_t>(marker_)] ? marker_ + 1 : -1;
            if (marker_ == static_cast<int>(kMarker.size())) ++commands_, marker_ = -1;
        }
    }
    if (n && chunk.back() == '\n') maybe_report(); // never split a line of the step's
    return n;
}

void Progress::maybe_report() {
    double now = seconds_since_boot();
    if (now - last_report_s_ < kReportEvery) return;
    last_report_s_ = now;
    double elapsed = now - start_s_;
    uint64_t done = commands_ ? commands_ : lines_;
    const char* unit = commands_ ? "commands" : "lines";
    char text[160];
    // The expectation comes from an earlier run (or the spec) and may be wrong for this
    // tree or arch: once passed, the line claims no total rather than a false one.
    if (step_.expect_lines > 0 && done > 0 && done <= step_.expect_lines) {
        double left = elapsed * double(step_.expect_lines) / double(done) - elapsed;
        std::snprintf(text, sizeof text,
                      "progress %s: %llu/%llu %s, %.0f s elapsed, about %.0f s left",
                      step_.name.c_str(), static_cast<unsigned long long>(done),
                      static_cast<unsigned long long>(step_.expect_lines), unit, elapsed,
                      std::max(0.0, left));
    } else {
        std::snprintf(text, sizeof text, "progress %s: %llu %s, %.0f s elapsed", step_.name.c_str(),
                      static_cast<unsigned long long>(done), unit, elapsed);
    }
    say(text);
}

} // namespace init
