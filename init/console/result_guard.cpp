#include "init/console/result_guard.hpp"

#include "libseedboot/format/journal.hpp"

namespace init {

std::string ResultGuard::feed(std::string_view chunk) {
    std::string out;
    out.reserve(chunk.size() + 16);
    for (char c : chunk) {
        if (line_start_) out += "> ";
        unsigned char u = static_cast<unsigned char>(c);
        out += (u < 0x20 && c != '\t' && c != '\n') || u == 0x7f ? '?' : c;
        line_start_ = c == '\n';
    }
    return out;
}

std::string ResultGuard::finish() {
    if (line_start_) return {};
    line_start_ = true;
    return "\n";
}

} // namespace init
