// The guest's console as the host shows and keeps it: terminal control
// sequences removed. Firmware clears the screen and resets the terminal
// (SeaBIOS writes "ESC c ESC [?7l ESC [2J" when it has no display); on the
// user's terminal that wipes what was there, and in console.log it is noise.
// Printable text, line ends and tabs pass unchanged.
#pragma once

#include <string>
#include <string_view>

namespace qemu {

struct ConsoleFilter {
    // The bytes of `chunk` that are not part of an escape sequence. Chunks may
    // be cut anywhere, also inside a sequence: the state carries over.
    std::string feed(std::string_view chunk);

  private:
    enum class State { text, escape, csi, string } state_ = State::text;
};

} // namespace qemu
