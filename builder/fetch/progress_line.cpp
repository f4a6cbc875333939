#include "progress_line.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace builder::fetch {

std::string human_bytes(uint64_t bytes) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = double(bytes);
    size_t u = 0;
    while (v >= 1024 && u + 1 < std::size(units)) v /= 1024, ++u;
    char buf[32];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

std::string progress_text(const std::string& label, uint64_t done, std::optional<uint64_t> total,
                          double bytes_per_second) {
    std::string s = "  " + label + "  " + human_bytes(done);
    if (total && *total > 0) {
        s += " of " + human_bytes(*total) + "  " +
             std::to_string(std::min<uint64_t>(100, done * 100 / *total)) + "%";
    }
    return s + "  " + human_bytes(uint64_t(bytes_per_second)) + "/s";
}

ProgressLine::ProgressLine(std::ostream& out, std::string label, bool live)
    : out_(out), label_(std::move(label)), live_(live), start_(Clock::now()) {}

void ProgressLine::update(uint64_t done, std::optional<uint64_t> total) {
    if (!live_) return;
    Clock::time_point now = Clock::now();
    if (!first_ || done == *first_) first_ = done, start_ = now; // the rate starts with the data
    if (drawn_ && now - last_draw_ < std::chrono::milliseconds(200)) return;
    double seconds = std::chrono::duration<double>(now - start_).count();
    double rate = seconds > 0 && done > *first_ ? double(done - *first_) / seconds : 0;
    out_ << "\r\033[K" << progress_text(label_, done, total, rate) << std::flush;
    drawn_ = true;
    last_draw_ = now;
}

void ProgressLine::clear() {
    if (drawn_) out_ << "\r\033[K" << std::flush;
    drawn_ = false;
}

} // namespace builder::fetch
