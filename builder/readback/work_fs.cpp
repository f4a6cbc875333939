// Opening the work file system inside a disk or work image; see work_fs.hpp.
#include "ext2.hpp"

#include "builder/disk/gpt/gpt.hpp"
#include "builder/disk/sparse_copy.hpp"
#include "libseedboot/sys/subprocess.hpp"

#include "libseedboot/platform.hpp"
#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/io.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace builder {

namespace work_fs {

std::string ext2_error(errcode_t rc) {
    static std::once_flag once;
    std::call_once(once, [] { initialize_ext2_error_table(); });
    return error_message(rc);
}

} // namespace work_fs

namespace {

using namespace work_fs;

// ---------------------------------------------------------------------------------------------
// Finding the file system inside the image

// Where the work file system's bytes are in the image file.
struct Location {
    uint64_t offset = 0;
    uint64_t size = 0; // of the partition, or of the whole file for a bare image
};

[[nodiscard]] bool bytes_at(int fd, uint64_t at, const char* expected, size_t len) {
    char buf[16];
    size_t got = 0;
    return seedboot::pread_full(fd, buf, len, at, got) && got == len &&
           std::memcmp(buf, expected, len) == 0;
}

// "EFI PART" at LBA 1: the image means to be a GPT disk, so the GPT reader's complaint (say,
// a truncated disk) is the one worth showing.
[[nodiscard]] bool claims_gpt(int fd) {
    return bytes_at(fd, 512, "EFI PART", 8);
}

// s_magic, 0xEF53 little-endian, at byte 56 of the superblock that starts at byte 1024.
[[nodiscard]] bool has_ext4_magic(int fd) {
    return bytes_at(fd, 1080, "\x53\xEF", 2);
}

[[nodiscard]] bool locate_work_fs(const std::string& image, Location& loc, std::string& err) {
    seedboot::Fd fd(::open(image.c_str(), O_RDONLY | O_CLOEXEC));
    off_t end = !fd.ok() ? -1 : ::lseek(fd.get(), 0, SEEK_END); // st_size is 0 for devices
    if (end < 0) {
        err = seedboot::sys_error(image + ": cannot open the image");
        return false;
    }
    DiskInfo disk;
    std::string gpt_err;
    if (read_gpt_disk(image, disk, gpt_err)) {
        PartitionInfo part;
        if (!find_partition(image, seedboot::kWorkLabel, part, err)) return false;
        loc = {part.offset(), part.size()};
        return true;
    }
    if (claims_gpt(fd.get())) {
        err = gpt_err;
        return false;
    }
    if (has_ext4_magic(fd.get())) {
        loc = {0, static_cast<uint64_t>(end)};
        return true;
    }
    err = image + ": neither a GPT disk with a " + seedboot::kWorkLabel +
          " partition nor an ext4 image (no GPT header at byte 512, no ext4 magic 0xEF53 at "
          "byte 1080)";
    return false;
}

// ---------------------------------------------------------------------------------------------
// Opening, and replaying the journal on a copy

// `file` is what is opened (the image or the replayed copy); `image` names it in errors.
[[nodiscard]] bool open_ext2(const std::string& file, uint64_t offset, const std::string& image,
                             ext2_filsys& out, std::string& err) {
    std::string io_options = "offset=" + std::to_string(offset);
    errcode_t rc = ext2fs_open2(file.c_str(), io_options.c_str(), EXT2_FLAG_64BITS, 0, 0,
                                unix_io_manager, &out);
    if (rc == 0) return true;
    out = nullptr;
    err = image + ": cannot open the ext4 file system at byte offset " + std::to_string(offset) +
          ": " + ext2_error(rc);
    if (rc == EXT2_ET_SHORT_READ) err += " (truncated image?)";
    return false;
}

uint64_t fs_bytes(ext2_filsys fs) {
    return ext2fs_blocks_count(fs->super) * static_cast<uint64_t>(fs->blocksize);
}

// ext2fs_open reads only the superblock and group descriptors, so a cut-short image would
// otherwise fail later, at whichever file happens to lie past the end. Truncation is checked
// first: for a bare image the "partition" is the file.
[[nodiscard]] bool check_fits(ext2_filsys fs, const Location& loc, const std::string& image,
                              std::string& err) {
    uint64_t need = fs_bytes(fs);
    struct stat st {};
    uint64_t file_size = loc.offset + loc.size;
    if (::stat(image.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        file_size = static_cast<uint64_t>(st.st_size);
    if (loc.offset + need > file_size) {
        err = image + ": truncated: the ext4 file system at byte offset " +
              std::to_string(loc.offset) + " is " + std::to_string(need) +
              " bytes, but the file ends " + std::to_string(file_size - loc.offset) +
              " bytes after its start";
        return false;
    }
    if (need > loc.size) {
        err = image + ": the ext4 file system is " + std::to_string(need) +
              " bytes but its partition only " + std::to_string(loc.size) + " (expected it to fit)";
        return false;
    }
    return true;
}

// Copies the file system to the start of `out_fd`, leaving zero chunks as holes: the copy
// only exists for e2fsck to replay the journal.
[[nodiscard]] bool copy_sparse(const std::string& image, uint64_t offset, uint64_t len, int out_fd,
                               const std::string& out_path, std::string& err) {
    if (!copy_range_sparse(image, offset, len, out_fd, 0, out_path, err)) return false;
    if (::ftruncate(out_fd, static_cast<off_t>(len)) != 0) {
        err = seedboot::sys_error(out_path + ": sizing the copy of " + image);
        return false;
    }
    return true;
}

[[nodiscard]] bool needs_recovery(ext2_filsys fs) {
    return ext2fs_has_feature_journal_needs_recovery(fs->super);
}

// libext2fs cannot replay a journal on a read-only file system, and the user's image must not
// change: the file system is copied to $TMPDIR and e2fsck replays the journal there. Without
// -f, "-E journal_only" stops after the replay; with it e2fsck runs all five passes.
[[nodiscard]] bool replay_copy(const std::string& image, uint64_t offset, uint64_t len,
                               seedboot::TempFile& copy, std::string& err) {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/seedboot-work-XXXXXX";
    if (!copy.create(tmpl, err)) {
        err = seedboot::sys_error(
            image + ": journal needs recovery; cannot create a temporary copy " + tmpl);
        return false;
    }
    if (!copy_sparse(image, offset, len, copy.fd(), copy.path(), err)) return false;
    if (!copy.close()) {
        err = seedboot::sys_error(image + ": journal needs recovery; cannot close its copy " +
                                  copy.path());
        return false;
    }
    std::string fsck_err;
    bool ran = seedboot::run_program(
        {seedboot::sbin_program("e2fsck"), "-y", "-E", "journal_only", copy.path()}, {}, fsck_err);
    // e2fsck exits 1 when it also fixed something (a superblock time in the future, say)
    // after a good replay: what counts is whether the copy still needs recovery.
    ext2_filsys fs = nullptr;
    std::string open_err;
    bool clean = open_ext2(copy.path(), 0, image, fs, open_err) && !needs_recovery(fs);
    if (fs) ext2fs_close_free(&fs);
    if (clean) return true;
    std::string why = !ran                ? fsck_err
                      : !open_err.empty() ? open_err
                                          : "it exited 0 but the journal was still not replayed";
    err = image + ": journal needs recovery and e2fsck could not replay it: " + why;
    return false;
}

} // namespace

WorkFs::~WorkFs() {
    close();
}

WorkFs::WorkFs(WorkFs&& other) noexcept {
    *this = std::move(other);
}

WorkFs& WorkFs::operator=(WorkFs&& other) noexcept {
    if (this != &other) {
        close();
        recovered = std::exchange(other.recovered, false);
        fs_ = std::exchange(other.fs_, nullptr);
        image_ = std::exchange(other.image_, "");
        temp_copy_ = std::move(other.temp_copy_);
    }
    return *this;
}

void WorkFs::close() {
    if (fs_) ext2fs_close_free(&fs_);
    fs_ = nullptr;
    temp_copy_ = seedboot::TempFile(); // removes the replayed copy
}

[[nodiscard]] bool open_work_fs(const std::string& image, WorkFs& out, std::string& err) {
    Location loc;
    if (!locate_work_fs(image, loc, err)) return false;
    WorkFs wfs;
    wfs.image_ = image;
    if (!open_ext2(image, loc.offset, image, wfs.fs_, err) || !check_fits(wfs.fs_, loc, image, err))
        return false;
    if (needs_recovery(wfs.fs_)) {
        uint64_t len = fs_bytes(wfs.fs_);
        wfs.close();
        if (!replay_copy(image, loc.offset, len, wfs.temp_copy_, err) ||
            !open_ext2(wfs.temp_copy_.path(), 0, image, wfs.fs_, err))
            return false;
        wfs.recovered = true;
    }
    out = std::move(wfs);
    return true;
}

// The group descriptors, not the superblock's totals: the kernel updates those lazily, and a
// run cut off by a power cut leaves them behind.
WorkFsSpace work_fs_space(const WorkFs& fs) {
    ext2_filsys h = fs.handle();
    WorkFsSpace s;
    for (dgrp_t g = 0; g < h->group_desc_count; ++g) {
        s.free_bytes += ext2fs_bg_free_blocks_count(h, g);
        s.free_inodes += ext2fs_bg_free_inodes_count(h, g);
    }
    s.free_bytes *= EXT2_BLOCK_SIZE(h->super);
    s.total_bytes = ext2fs_blocks_count(h->super) * EXT2_BLOCK_SIZE(h->super);
    return s;
}

} // namespace builder
