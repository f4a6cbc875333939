#include "console_filter.hpp"

namespace qemu {

namespace {

constexpr char kEsc = 0x1b;
constexpr char kBel = 0x07;

} // namespace

// ECMA-48: ESC [ parameters... final byte (0x40-0x7e) is a control sequence;
// ESC ] / P / _ / ^ open a string ended by BEL or ESC \; any other byte after
// ESC ends a two-byte sequence (ESC c: reset).
std::string ConsoleFilter::feed(std::string_view chunk) {
    std::string out;
    out.reserve(chunk.size());
    for (char c : chunk) {
        auto u = static_cast<unsigned char>(c);
        switch (state_) {
        case State::text:
            if (c == kEsc)
                state_ = State::escape;
            else
                out += c;
            break;
        case State::escape:
            if (c == '[')
                state_ = State::csi;
            else if (c == ']' || c == 'P' || c == '_' || c == '^')
                state_ = State::string;
            else
                state_ = State::text;
            break;
        case State::csi:
            if (u >= 0x40 && u <= 0x7e) state_ = State::text;
            break;
        case State::string:
            if (c == kBel) state_ = State::text;
            if (c == kEsc) state_ = State::escape; // ESC \ ends it
            break;
        }
    }
    return out;
}

} // namespace qemu
