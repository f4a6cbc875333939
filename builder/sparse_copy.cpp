#include "sparse_copy.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace builder {

namespace {

constexpr size_t kChunk = 1 << 20;

std::string sys_error(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

bool pwrite_full(int fd, const char* buf, size_t len, uint64_t at) {
    for (size_t done = 0; done < len;) {
        ssize_t n = ::pwrite(fd, buf + done, len - done, static_cast<off_t>(at + done));
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) errno = ENOSPC; // no progress and no error: a full disk
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

} // namespace

bool pread_full(int fd, void* buf, size_t len, uint64_t at, size_t& got) {
    for (got = 0; got < len;) {
        ssize_t n =
            ::pread(fd, static_cast<char*>(buf) + got, len - got, static_cast<off_t>(at + got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    return true;
}

bool copy_range_sparse(const std::string& in_path, uint64_t in_offset, uint64_t len, int out_fd,
                       uint64_t out_offset, const std::string& out_path, std::string& err) {
    Fd in{::open(in_path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) {
        err = sys_error(in_path + ": cannot open the image");
        return false;
    }
    std::string buf(kChunk, '\0');
    for (uint64_t pos = 0; pos < len;) {
        // SEEK_DATA skips holes without reading them; where it is not supported, every
        // chunk is read and the zero ones skipped all the same.
        off_t data = ::lseek(in.fd, static_cast<off_t>(in_offset + pos), SEEK_DATA);
        if (data < 0 && errno == ENXIO) break; // only a hole remains
        if (data >= 0) pos = std::max(pos, static_cast<uint64_t>(data) - in_offset);
        if (pos >= len) break;
        size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, len - pos)), got = 0;
        if (!pread_full(in.fd, buf.data(), want, in_offset + pos, got)) {
            err = sys_error(in_path + ": reading at byte " + std::to_string(in_offset + pos + got));
            return false;
        }
        if (got != want) {
            err = in_path + ": truncated: short read at byte " +
                  std::to_string(in_offset + pos + got);
            return false;
        }
        bool zero = std::all_of(buf.begin(), buf.begin() + static_cast<long>(want),
                                [](char c) { return c == 0; });
        if (!zero && !pwrite_full(out_fd, buf.data(), want, out_offset + pos)) {
            err = sys_error(out_path + ": writing the copy of " + in_path);
            return false;
        }
        pos += want;
    }
    return true;
}

} // namespace builder
