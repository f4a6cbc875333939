// Everything the PID 1 says goes to the console (fds 1 and 2 are /dev/console,
// opened by the kernel), one whole line per write so lines never interleave.
#pragma once

#include <string_view>

namespace init {

void say(std::string_view line);               // "seedboot: <line>"
bool fail(std::string_view what);              // "seedboot: error: <what>", returns false
bool fail_errno(std::string_view what);        // ... ": <strerror(errno)>", returns false
bool write_all(int fd, std::string_view data); // retries on EINTR/short writes; false: gave up
double seconds_since_boot();                   // CLOCK_BOOTTIME

} // namespace init
