#include "io.hpp"

#include <cerrno>
#include <unistd.h>

namespace seedboot {

[[nodiscard]] bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) errno = ENOSPC;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

[[nodiscard]] bool pwrite_all(int fd, const void* data, size_t size, uint64_t offset) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        ssize_t n = ::pwrite(fd, p, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) errno = ENOSPC;
        if (n <= 0) return false;
        p += n;
        size -= static_cast<size_t>(n);
        offset += static_cast<uint64_t>(n);
    }
    return true;
}

[[nodiscard]] bool pread_full(int fd, void* data, size_t size, uint64_t offset, size_t& got) {
    char* p = static_cast<char*>(data);
    for (got = 0; got < size;) {
        ssize_t n = ::pread(fd, p + got, size - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    return true;
}

[[nodiscard]] bool pread_exact(int fd, void* data, size_t size, uint64_t offset) {
    size_t got = 0;
    if (!pread_full(fd, data, size, offset, got)) return false;
    if (got == size) return true;
    errno = 0;
    return false;
}

} // namespace seedboot
