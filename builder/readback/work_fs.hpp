// Reads the ext4 work file system (the build tree, /state, /logs, /result) back out of a
// disk image with libext2fs: no mount, no root, and the image is never written to.
#pragma once

#include "libseedboot/sys/atomic_file.hpp"

#include <cstdint>
#include <string>
#include <vector>

// libext2fs's handle type, declared here so that users of this header need not include
// <ext2fs/ext2fs.h> (the same typedef as in that header).
typedef struct struct_ext2_filsys* ext2_filsys;

namespace builder {

// A work file system opened read-only inside a disk image (GPT partition named
// "seedboot-work") or a bare ext4 image file (offset 0), via libext2fs's unix io manager with
// the "offset=" io option. Closing it (destructor) also removes the private copy made when
// the journal had to be replayed.
class WorkFs {
  public:
    WorkFs() = default;
    ~WorkFs();
    WorkFs(WorkFs&& other) noexcept;
    WorkFs& operator=(WorkFs&& other) noexcept;
    WorkFs(const WorkFs&) = delete;
    WorkFs& operator=(const WorkFs&) = delete;

    // True when the journal needed recovery (the VM was killed mid-run) and what is read is a
    // private copy on which e2fsck replayed it; the image itself was left as it was.
    bool recovered = false;

    [[nodiscard]] bool is_open() const { return fs_ != nullptr; }
    const std::string& image() const { return image_; } // the path given to open_work_fs
    ext2_filsys handle() const { return fs_; }

  private:
    friend bool open_work_fs(const std::string& image, WorkFs& out, std::string& err);
    void close();

    ext2_filsys fs_ = nullptr;
    std::string image_;
    seedboot::TempFile temp_copy_; // the replayed copy, removed on close; none when the image
                                   // is read directly
};

struct WorkFsEntry {
    std::string path;  // absolute inside the file system: "/logs/01-x.log"
    char type = 'f';   // 'f' file, 'd' directory, 'l' symlink, 'c'/'b' device, 'p' fifo, 's' socket
    uint32_t mode = 0; // permission bits (07777)
    uint64_t size = 0; // i_size: bytes for files, target length for symlinks
    std::string link_target; // symlinks only
    uint32_t uid = 0, gid = 0;
    uint32_t rdev_major = 0, rdev_minor = 0; // devices ('c', 'b'): a layer's whiteout is c 0:0
    int64_t mtime = 0;                       // seconds
    bool opaque = false; // a directory with trusted.overlay.opaque=y (a layer's opaque folder)
    uint32_t ino = 0, nlink = 1;
};

[[nodiscard]] bool open_work_fs(const std::string& image, WorkFs& out, std::string& err);

// Reads the regular file at absolute `path` (symlinks followed inside the file system); more
// than `limit` bytes is an error rather than a surprise allocation.
[[nodiscard]] bool read_work_file(WorkFs& fs, const std::string& path, std::string& data,
                                  std::string& err, uint64_t limit = 64 << 20);

// Everything below directory `dir` (not `dir` itself), recursively, sorted by path.
[[nodiscard]] bool list_work_tree(WorkFs& fs, const std::string& dir, std::vector<WorkFsEntry>& out,
                                  std::string& err);

// Copies dir (recursively: files with their mode's exec bits, dirs, symlinks) to host folder
// `dest`, created if needed. Files become 0644 plus the exec bits they had, directories 0755;
// symlinks are recreated as they are, never followed. Device nodes, fifos and sockets are
// skipped: they have no content to extract.
[[nodiscard]] bool extract_work_tree(WorkFs& fs, const std::string& dir, const std::string& dest,
                                     std::string& err);

struct WorkFsSpace {
    uint64_t free_bytes = 0, total_bytes = 0, free_inodes = 0;
};

// Free blocks and inodes as the superblock counts them (root's reserve included: the
// PID 1 and its steps run as root).
WorkFsSpace work_fs_space(const WorkFs& fs);

} // namespace builder
