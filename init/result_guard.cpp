#include "result_guard.hpp"

#include "libseedboot/format/journal.hpp"

namespace init {

std::string ResultGuard::feed(std::string_view chunk) {
    const std::string_view prefix = seedboot::kResultPrefix;
    std::string out;
    out.reserve(chunk.size() + held_.size() + 2);
    for (char c : chunk) {
        if (!deciding_) {
            out += c;
            deciding_ = c == '\n';
            continue;
        }
        held_ += c;
        if (prefix.substr(0, held_.size()) == held_) {
            if (held_.size() < prefix.size()) continue;
            out += "> "; // the step's line would pass for the PID 1's result
            deciding_ = false;
        } else {
            deciding_ = c == '\n';
        }
        out += held_;
        held_.clear();
    }
    if (!out.empty()) mid_line_ = out.back() != '\n';
    return out;
}

std::string ResultGuard::finish() {
    std::string out = held_;
    held_.clear();
    if (!out.empty() || mid_line_) out += '\n';
    deciding_ = true;
    mid_line_ = false;
    return out;
}

} // namespace init
