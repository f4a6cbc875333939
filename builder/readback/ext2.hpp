// What the work file system's readers share (work_fs.hpp is their interface): libext2fs
// errors as text, open ext2 files, and the path lookup that never trusts a link's i_size.
#pragma once

#include "work_fs.hpp"

#include <ext2fs/ext2fs.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace builder::work_fs {

constexpr size_t kCopyChunk = 1 << 20;

// libext2fs reports errcode_t values that com_err only turns into text once the table is
// registered; without it messages read "Unknown code ext2 13".
std::string ext2_error(errcode_t rc);

// An open ext2 file, closed at scope exit.
struct Ext2File {
    ext2_file_t file = nullptr;
    ~Ext2File() {
        if (file) ext2fs_file_close(file);
    }
};

[[nodiscard]] bool read_inode(WorkFs& fs, ext2_ino_t ino, const std::string& path,
                              ext2_inode& inode, std::string& err);

// Resolves an absolute path one component at a time (ext2fs_lookup in each directory), the
// last component's symlink too when `follow`.
[[nodiscard]] bool lookup(WorkFs& fs, const std::string& path, bool follow, ext2_ino_t& ino,
                          std::string& err);

std::string strip_trailing_slashes(std::string path);

// Feeds the contents of inode `ino` (`size` bytes) to `sink` in chunks.
template <typename Sink>
[[nodiscard]] bool stream_file(WorkFs& fs, ext2_ino_t ino, uint64_t size, const std::string& path,
                               Sink sink, std::string& err) {
    Ext2File f;
    errcode_t rc = ext2fs_file_open(fs.handle(), ino, 0, &f.file);
    std::string buf(std::min<uint64_t>(size, kCopyChunk), '\0');
    uint64_t done = 0;
    while (rc == 0 && done < size) {
        unsigned int got = 0;
        auto want = static_cast<unsigned int>(std::min<uint64_t>(buf.size(), size - done));
        rc = ext2fs_file_read(f.file, buf.data(), want, &got);
        if (rc == 0 && got == 0) rc = EXT2_ET_SHORT_READ;
        if (rc == 0 && !sink(buf.data(), got, err)) return false;
        done += got;
    }
    if (rc == 0) return true;
    err = fs.image() + ": " + path + ": reading its contents at byte " + std::to_string(done) +
          " of " + std::to_string(size) + ": " + ext2_error(rc);
    return false;
}

} // namespace builder::work_fs
