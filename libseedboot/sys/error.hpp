// The one way a failed system call becomes a message: "WHAT: strerror(errno)".
#pragma once

#include <string>
#include <string_view>

namespace seedboot {

// `what` names the file and the action ("out.img: cannot create"); reads errno.
std::string sys_error(std::string_view what);

} // namespace seedboot
