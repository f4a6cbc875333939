// seedboot grow: enlarges the work partition of a disk image after a run filled
// it; the next boot resumes where the run stopped.
//
// The image is never changed in place: the file system is copied out, checked
// (e2fsck -p) and grown (resize2fs) as a plain file, a new image is assembled
// next to the old one and renamed over it. A failure or a crash at any point
// leaves the old image as it was. (resize2fs cannot work inside the image:
// given "image?offset=N" it truncates the file to the new file system size,
// ignoring the offset, which cuts off the backup GPT.)
#include "commands.hpp"
#include "gpt.hpp"
#include "sparse_copy.hpp"
#include "spec.hpp"
#include "subprocess.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace builder {

namespace {

constexpr const char* kWorkLabel = "seedboot-work";
constexpr uint64_t kMiB = 1 << 20;

// A file next to `near`, removed when it goes out of scope unless kept.
struct TempFile {
    std::string path;
    int fd = -1;
    bool keep = false;
    explicit TempFile(const std::string& near) : path(near + ".grow-XXXXXX") {
        fd = ::mkostemp(path.data(), O_CLOEXEC);
    }
    ~TempFile() {
        if (fd >= 0) ::close(fd);
        if (fd >= 0 && !keep) ::unlink(path.c_str());
    }
};

std::string sys_error(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

bool sized(const TempFile& f, uint64_t bytes, std::string& err) {
    if (f.fd >= 0 && ::ftruncate(f.fd, static_cast<off_t>(bytes)) == 0) return true;
    err = sys_error(f.path + ": cannot create or size it to " + std::to_string(bytes) + " bytes");
    return false;
}

// The work file system as a plain file, checked and grown to `bytes`.
bool grow_fs_copy(const std::string& disk, const PartitionInfo& part, uint64_t bytes, TempFile& fs,
                  std::string& err) {
    if (!sized(fs, 0, err) ||
        !copy_range_sparse(disk, part.offset(), part.size(), fs.fd, 0, fs.path, err) ||
        !sized(fs, part.size(), err)) {
        return false;
    }
    // -p makes only the repairs that are always safe (and replays the journal); exit 1
    // and 2 mean "fixed, all well".
    if (!run_program({sbin_program("e2fsck"), "-f", "-p", fs.path}, {}, err, 2)) {
        err = disk + ": the work file system needs a repair e2fsck -p will not make: " + err;
        return false;
    }
    return run_program({sbin_program("resize2fs"), fs.path, std::to_string(bytes / 1024) + "K"}, {},
                       err);
}

// The disk around the work partition (GPT, other partitions, backup GPT), then the GPT grown.
bool grow_disk_copy(const std::string& disk, const PartitionInfo& part, uint64_t bytes,
                    TempFile& out, PartitionInfo& grown, std::string& err) {
    struct stat st {};
    if (::stat(disk.c_str(), &st) != 0) {
        err = sys_error(disk);
        return false;
    }
    uint64_t size = static_cast<uint64_t>(st.st_size), tail = part.offset() + part.size();
    if (!sized(out, size, err) || ::fchmod(out.fd, st.st_mode & 07777) != 0 ||
        !copy_range_sparse(disk, 0, part.offset(), out.fd, 0, out.path, err) ||
        !copy_range_sparse(disk, tail, size - tail, out.fd, tail, out.path, err)) {
        if (err.empty()) err = sys_error(out.path);
        return false;
    }
    return grow_gpt_partition(out.path, kWorkLabel, bytes, grown, err);
}

bool replace(const std::string& disk, TempFile& out, std::string& err) {
    if (::fsync(out.fd) != 0 || ::rename(out.path.c_str(), disk.c_str()) != 0) {
        err = sys_error(disk + ": replacing it with " + out.path);
        return false;
    }
    out.keep = true;
    std::string dir = std::filesystem::path(disk).parent_path().string();
    int d = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d >= 0) {
        ::fsync(d);
        ::close(d);
    }
    return true;
}

double mib(uint64_t bytes) {
    return static_cast<double>(bytes) / kMiB;
}

} // namespace

int cmd_grow(const std::string& disk, const std::string& size_text) {
    uint64_t size = 0;
    if (!parse_size(size_text, size) || size == 0)
        return error("--work-size '" + size_text + "' (expected a size like 64M or 2G)");
    size = (size + kMiB - 1) / kMiB * kMiB; // partitions are whole MiB
    PartitionInfo before, after;
    std::string err;
    if (!find_partition(disk, kWorkLabel, before, err)) return error(err);
    if (size < before.size())
        return error(disk + ": " + kWorkLabel + " is " + std::to_string(before.size() / kMiB) +
                     " MiB; --work-size " + size_text +
                     " would shrink it (expected a larger size)");
    TempFile fs(disk), out(disk);
    if (!grow_fs_copy(disk, before, size, fs, err) ||
        !grow_disk_copy(disk, before, size, out, after, err) ||
        !copy_range_sparse(fs.path, 0, after.size(), out.fd, after.offset(), out.path, err) ||
        !replace(disk, out, err)) {
        return error(err + " (" + disk + " was left as it was)");
    }
    std::printf("seedboot: %s: %s grew from %.0f MiB to %.0f MiB; boot it again to resume "
                "(seedboot boot --resume, make qemu-ARCH RESUME=1)\n",
                disk.c_str(), kWorkLabel, mib(before.size()), mib(after.size()));
    return 0;
}

} // namespace builder
