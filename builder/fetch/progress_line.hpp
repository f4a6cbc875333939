// The live line a download shows on a terminal: bytes, percent when the size is
// known, and rate, redrawn in place at most a few times a second. Off a terminal
// it draws nothing (logs get the fetcher's one-line messages only).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace builder::fetch {

// "12.3 MiB", "512 B": binary units, one decimal.
std::string human_bytes(uint64_t bytes);

// "  FILE  12.3 MiB of 45.6 MiB  27%  1.2 MiB/s" (no size: no "of" and no percent).
std::string progress_text(const std::string& label, uint64_t done, std::optional<uint64_t> total,
                          double bytes_per_second);

class ProgressLine {
  public:
    ProgressLine(std::ostream& out, std::string label, bool live);
    ~ProgressLine() { clear(); }
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    // Bytes the file holds and its size; the rate counts from the first new byte.
    void update(uint64_t done, std::optional<uint64_t> total);
    // Erases the line, so that the next message starts on a clean one.
    void clear();

  private:
    using Clock = std::chrono::steady_clock;
    std::ostream& out_;
    std::string label_;
    bool live_, drawn_ = false;
    std::optional<uint64_t> first_;
    Clock::time_point start_, last_draw_;
};

} // namespace builder::fetch
