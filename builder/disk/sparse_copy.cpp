// Copying without the zeros; see sparse_copy.hpp.
#include "sparse_copy.hpp"

#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/io.hpp"

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

[[nodiscard]] bool is_zero(const uint8_t* p, size_t n) {
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

// The length of the block at output offset `at`: up to its next 4 KiB boundary.
size_t block_len(uint64_t at, size_t left) {
    return std::min<size_t>(kBlock - at % kBlock, left);
}

// Writes the blocks of `data` that are not all zeros, each run of them at once.
[[nodiscard]] bool write_nonzero(int fd, const uint8_t* data, size_t n, uint64_t offset) {
    size_t pos = 0, len = 0;
    while (pos < n) {
        while (pos < n && is_zero(data + pos, len = block_len(offset + pos, n - pos))) pos += len;
        size_t run = pos;
        while (run < n && !is_zero(data + run, len = block_len(offset + run, n - run))) run += len;
        if (run > pos && !seedboot::pwrite_all(fd, data + pos, run - pos, offset + pos))
            return false;
        pos = run;
    }
    return true;
}

// [in_at, in_at + size) of `in_fd` to `out_at` of `out_fd`. A short read leaves errno 0
// and `short_at` at the input offset where the file ended.
[[nodiscard]] bool copy_region(int in_fd, uint64_t in_at, uint64_t size, int out_fd,
                               uint64_t out_at, uint64_t& short_at, bool& read_failed) {
    std::vector<uint8_t> buffer(kBuffer);
    uint64_t pos = 0;
    while (pos < size) {
        uint64_t start = 0, end = 0;
        next_data(in_fd, in_at + pos, in_at + size, start, end);
        for (pos = start - in_at; pos < end - in_at;) {
            // Chunks end on block boundaries of the output, so that the zero blocks
            // found are the output's.
            size_t n =
                size_t(std::min<uint64_t>(kBuffer - (out_at + pos) % kBlock, end - in_at - pos));
            // A file that ended early leaves errno 0: reported as a size change.
            if (!seedboot::pread_exact(in_fd, buffer.data(), n, in_at + pos)) {
                short_at = in_at + pos;
                return !(read_failed = true);
            }
            if (!write_nonzero(out_fd, buffer.data(), n, out_at + pos)) return false;
            pos += n;
        }
    }
    return true;
}

} // namespace

[[nodiscard]] bool copy_nonzero(int in_fd, const std::string& in_name, int out_fd, uint64_t offset,
                                uint64_t size, const std::string& what, std::string& err) {
    const std::string changed = "content file " + in_name +
                                " changed size while being copied (expected " +
                                std::to_string(size) + " bytes)";
    uint64_t short_at = 0;
    bool read_failed = false;
    if (!copy_region(in_fd, 0, size, out_fd, offset, short_at, read_failed)) {
        err = !read_failed ? seedboot::sys_error("writing " + what)
              : errno      ? seedboot::sys_error("reading content file " + in_name)
                           : changed;
        return false;
    }
    struct stat st {};
    if (::fstat(in_fd, &st) != 0 || uint64_t(st.st_size) != size) {
        err = changed;
        return false;
    }
    return true;
}

[[nodiscard]] bool copy_range_sparse(const std::string& in_path, uint64_t in_offset, uint64_t len,
                                     int out_fd, uint64_t out_offset, const std::string& out_path,
                                     std::string& err) {
    seedboot::Fd in(::open(in_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in.ok()) {
        err = seedboot::sys_error(in_path + ": cannot open the image");
        return false;
    }
    uint64_t short_at = 0;
    bool read_failed = false;
    if (copy_region(in.get(), in_offset, len, out_fd, out_offset, short_at, read_failed))
        return true;
    if (!read_failed)
        err = seedboot::sys_error(out_path + ": writing the copy of " + in_path);
    else if (errno)
        err = seedboot::sys_error(in_path + ": reading at byte " + std::to_string(short_at));
    else
        err = in_path + ": truncated: short read at byte " + std::to_string(short_at);
    return false;
}

} // namespace builder
