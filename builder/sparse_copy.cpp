// Copying without the zeros; see sparse_copy.hpp.
#include "sparse_copy.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace builder {
namespace {

constexpr size_t kBlock = 4096;     // the smallest hole a file system keeps
constexpr size_t kBuffer = 1 << 20; // bounded: content files can be gigabytes

std::string sys_error(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

bool is_zero(const uint8_t* p, size_t n) {
    static const uint8_t zeros[kBlock] = {};
    return std::memcmp(p, zeros, n) == 0;
}

// The next stretch [start, end) at or after `pos` that may hold data, within `size`
// (start == size: nothing more). Without SEEK_DATA, the rest is all data.
void next_data(int fd, uint64_t pos, uint64_t size, uint64_t& start, uint64_t& end) {
    start = pos;
    end = size;
    off_t data = ::lseek(fd, off_t(pos), SEEK_DATA);
    if (data < 0) {
        if (errno == ENXIO) start = size; // only a hole is left
        return;
    }
    start = std::min(uint64_t(data), size);
    off_t hole = ::lseek(fd, data, SEEK_HOLE);
    if (hole > data) end = std::min(uint64_t(hole), size);
}

bool pwrite_all(int fd, const uint8_t* data, size_t n, uint64_t offset) {
    while (n > 0) {
        ssize_t put = ::pwrite(fd, data, n, off_t(offset));
        if (put < 0 && errno == EINTR) continue;
        if (put == 0) errno = ENOSPC; // no progress and no error: treat as a full disk
        if (put <= 0) return false;
        data += put;
        n -= size_t(put);
        offset += uint64_t(put);
    }
    return true;
}

// The length of the block at output offset `at`: up to its next 4 KiB boundary.
size_t block_len(uint64_t at, size_t left) {
    return std::min<size_t>(kBlock - at % kBlock, left);
}

// Writes the blocks of `data` that are not all zeros, each run of them at once.
bool write_nonzero(int fd, const uint8_t* data, size_t n, uint64_t offset) {
    size_t pos = 0, len = 0;
    while (pos < n) {
        while (pos < n && is_zero(data + pos, len = block_len(offset + pos, n - pos))) pos += len;
        size_t run = pos;
        while (run < n && !is_zero(data + run, len = block_len(offset + run, n - run))) run += len;
        if (run > pos && !pwrite_all(fd, data + pos, run - pos, offset + pos)) return false;
        pos = run;
    }
    return true;
}

bool pread_exact(int fd, uint8_t* data, size_t n, uint64_t offset) {
    while (n > 0) {
        ssize_t got = ::pread(fd, data, n, off_t(offset));
        if (got < 0 && errno == EINTR) continue;
        if (got == 0) errno = 0; // the file ended early: reported as a size change
        if (got <= 0) return false;
        data += got;
        n -= size_t(got);
        offset += uint64_t(got);
    }
    return true;
}

} // namespace

bool copy_nonzero(int in_fd, const std::string& in_name, int out_fd, uint64_t offset, uint64_t size,
                  const std::string& what, std::string& err) {
    std::vector<uint8_t> buffer(kBuffer);
    const std::string changed = "content file " + in_name +
                                " changed size while being copied (expected " +
                                std::to_string(size) + " bytes)";
    uint64_t pos = 0;
    while (pos < size) {
        uint64_t start = 0, end = 0;
        next_data(in_fd, pos, size, start, end);
        for (pos = start; pos < end;) {
            // Chunks end on block boundaries (the output offset is one too), so that the
            // zero blocks found are the output's.
            size_t n = size_t(std::min<uint64_t>(kBuffer - pos % kBlock, end - pos));
            if (!pread_exact(in_fd, buffer.data(), n, pos)) {
                err = errno ? sys_error("reading content file " + in_name) : changed;
                return false;
            }
            if (!write_nonzero(out_fd, buffer.data(), n, offset + pos)) {
                err = sys_error("writing " + what);
                return false;
            }
            pos += n;
        }
    }
    struct stat st {};
    if (::fstat(in_fd, &st) != 0 || uint64_t(st.st_size) != size) {
        err = changed;
        return false;
    }
    return true;
}

} // namespace builder
