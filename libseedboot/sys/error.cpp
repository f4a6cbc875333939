#include "error.hpp"

#include <cerrno>
#include <cstring>

namespace seedboot {

std::string sys_error(std::string_view what) {
    return std::string(what) + ": " + std::strerror(errno);
}

} // namespace seedboot
