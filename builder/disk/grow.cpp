#include "grow.hpp"

#include "libseedboot/sys/subprocess.hpp"
#include "sparse_copy.hpp"

#include "builder/disk/gpt/gpt.hpp"

#include "libseedboot/platform.hpp"
#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/error.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace builder {

namespace {

constexpr uint64_t kMiB = 1 << 20;

[[nodiscard]] bool sized(int fd, const std::string& path, uint64_t bytes, std::string& err) {
    if (::ftruncate(fd, static_cast<off_t>(bytes)) == 0) return true;
    err = seedboot::sys_error(path + ": cannot size it to " + std::to_string(bytes) + " bytes");
    return false;
}

// The work file system as a plain file, checked and grown to `bytes`.
[[nodiscard]] bool grow_fs_copy(const std::string& disk, const PartitionInfo& part, uint64_t bytes,
                                seedboot::TempFile& fs, std::string& err) {
    if (!copy_range_sparse(disk, part.offset(), part.size(), fs.fd(), 0, fs.path(), err) ||
        !sized(fs.fd(), fs.path(), part.size(), err)) {
        return false;
    }
    // -p makes only the repairs that are always safe (and replays the journal); exit 1
    // and 2 mean "fixed, all well".
    if (!seedboot::run_program({seedboot::sbin_program("e2fsck"), "-f", "-p", fs.path()}, {}, err,
                               2)) {
        err = disk + ": the work file system needs a repair e2fsck -p will not make: " + err;
        return false;
    }
    return seedboot::run_program(
        {seedboot::sbin_program("resize2fs"), fs.path(), std::to_string(bytes / 1024) + "K"}, {},
        err);
}

// The disk around the work partition (GPT, other partitions, backup GPT), then the GPT grown.
[[nodiscard]] bool grow_disk_copy(const std::string& disk, uint64_t size, const PartitionInfo& part,
                                  uint64_t bytes, seedboot::AtomicFile& out, PartitionInfo& grown,
                                  std::string& err) {
    uint64_t tail = part.offset() + part.size();
    return sized(out.fd(), out.temp_path(), size, err) &&
           copy_range_sparse(disk, 0, part.offset(), out.fd(), 0, out.temp_path(), err) &&
           copy_range_sparse(disk, tail, size - tail, out.fd(), tail, out.temp_path(), err) &&
           grow_gpt_partition(out.temp_path(), seedboot::kWorkLabel, bytes, grown, err);
}

} // namespace

[[nodiscard]] bool grow_work_partition(const std::string& disk, uint64_t bytes,
                                       const std::string& asked, GrowResult& out,
                                       std::string& err) {
    struct stat st {};
    if (::stat(disk.c_str(), &st) != 0) {
        err = seedboot::sys_error(disk);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        err = disk + ": not a regular file (a device cannot be enlarged by seedboot grow; see "
                     "docs/hardware.md, \"Running out of space\")";
        return false;
    }
    bytes = (bytes + kMiB - 1) / kMiB * kMiB; // partitions are whole MiB
    PartitionInfo before, after;
    if (!find_partition(disk, seedboot::kWorkLabel, before, err)) return false;
    if (bytes < before.size()) {
        err = disk + ": " + seedboot::kWorkLabel + " is " + std::to_string(before.size() / kMiB) +
              " MiB; " + asked + " would shrink it (expected a larger size)";
        return false;
    }
    seedboot::TempFile fs;
    seedboot::AtomicFile grown;
    if (!fs.create(disk + ".grow-XXXXXX", err) || !grown.create(disk, st.st_mode & 07777, err) ||
        !grow_fs_copy(disk, before, bytes, fs, err) ||
        !grow_disk_copy(disk, static_cast<uint64_t>(st.st_size), before, bytes, grown, after,
                        err) ||
        !copy_range_sparse(fs.path(), 0, after.size(), grown.fd(), after.offset(),
                           grown.temp_path(), err) ||
        !grown.commit(err)) {
        err += " (" + disk + " was left as it was)";
        return false;
    }
    out = {before.size(), after.size()};
    return true;
}

} // namespace builder
