// The screen of a real machine: the firmware's framebuffer (UEFI GOP) with the kernel's
// text console on it. QEMU runs with -nographic have none, and see no difference.
#pragma once

#include <string_view>

namespace init {

// Finds the screen once /sys and /dev are mounted and tells the console about it
// (console.hpp use_screen): a framebuffer VT beside the serial console gets every line too.
void attach_screen();

// Whether /dev/console is itself a VT, from /sys/class/tty/console/active (the consoles,
// /dev/console's last): "tty0 ttyS0" -> false, "ttyS0 tty0" -> true.
[[nodiscard]] bool console_is_vt(std::string_view active);

// How long the screen keeps the result before the machine powers off (docs/hardware.md, "The
// screen").
inline constexpr unsigned kScreenHoldSeconds = 60;

} // namespace init
