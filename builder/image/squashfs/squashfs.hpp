// A deterministic squashfs writer and a small reader, on top of libsquashfs
// (squashfs-tools-ng). The writer is what makes a root image reproducible: the
// same entries always give the same bytes, whatever their order, the host's
// umask, owners or clocks, and however many compressor threads run.
//
// What goes into an image: directories, regular files and symlinks only, all
// owned by 0:0, every mtime set to SquashfsOptions::mtime, zstd compression,
// no xattrs, no export table, padded to a multiple of 4 KiB.
//
// The reader is meant for tests and for checking small images: it loads every
// file's content into memory, so it refuses images over 1 GiB and stops once
// the extracted content exceeds 1 GiB. It never crashes on a damaged image; it
// returns false with a message instead.
//
// No function here throws; each returns false and fills `err` with a message
// that starts with the file concerned (the image, or a host file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace builder {

struct ImageEntry {
    std::string path;      // absolute path in the image; "/" is the root directory
    char type = 'f';       // 'd' directory, 'f' regular file, 'l' symlink
    uint32_t mode = 0644;  // permission bits only (07777)
    std::string host_file; // for 'f': host file to read the content from, if non-empty
    std::string data;      // for 'f' with empty host_file: the content; for 'l': the link target
};

struct SquashfsOptions {
    uint32_t mtime = 0;             // every inode's mtime and the superblock's mkfs time
                                    // (SOURCE_DATE_EPOCH)
    size_t block_size = 128 * 1024; // a power of two, 4 KiB .. 1 MiB
    int zstd_level = 15;            // 1 .. 22
    unsigned workers = 1;           // block processor threads (0 means 1); output does not
                                    // depend on it
    std::string block_cache;        // folder that keeps compressed blocks across runs
                                    // (block_cache.hpp); empty: none, but a block that
                                    // recurs in the image is still compressed only once.
                                    // The output does not depend on it either.
    bool reuse_blocks = true;       // false: no block store at all, plain zstd for every
                                    // block (what the tests compare the stores against)
};

// How many blocks (data, fragment and table blocks) the compressor had to do, and how
// many it could reuse from the block cache or, within the image, from the memo.
struct SquashfsStats {
    uint64_t blocks_compressed = 0;
    uint64_t blocks_reused = 0;
};
// "2700 blocks: 12 compressed, 2688 reused", for the pack commands' summary line.
std::string describe_stats(const SquashfsStats& stats);

// Images read by read_squashfs / read_squashfs_file may not be larger than this,
// and read_squashfs stops once the content of all files together exceeds it.
inline constexpr uint64_t kMaxReadImageBytes = uint64_t{1} << 30;

// Writes `entries` (any order; every parent directory must be present, the root "/" too,
// else an error naming the orphan) to `out_path`, all owned by uid 0 / gid 0, zstd, with
// sorted directories, so that the same entries always give the same bytes.
//
// Paths are absolute and normalized: no empty, "." or ".." components, no trailing
// slash, each name at most 256 bytes, the whole path shorter than 4096 bytes. A file
// has either `host_file` or `data`, not both; a symlink needs a non-empty target. The image
// is written as an AtomicFile (libseedboot/sys/atomic_file.hpp): on failure, what was at
// `out_path` before is left as it was. Fills `stats` if given.
[[nodiscard]] bool write_squashfs(const std::vector<ImageEntry>& entries,
                                  const std::string& out_path, const SquashfsOptions& opt,
                                  std::string& err, SquashfsStats* stats = nullptr);

// Reads an image back: every entry with type, mode, and for files the content in `data`
// (host_file left empty), for links the target. Sorted by path. A truncated or corrupted
// image gives a clear error (not a crash): "<file>: not a squashfs image (bad magic)",
// "<file>: truncated: ..." etc. Device nodes, fifos and sockets are refused.
[[nodiscard]] bool read_squashfs(const std::string& image_path, std::vector<ImageEntry>& out,
                                 std::string& err);

// Reads the content of one regular file (absolute `path`, e.g. "/etc/passwd") from an
// image, without reading the others.
[[nodiscard]] bool read_squashfs_file(const std::string& image_path, const std::string& path,
                                      std::string& data, std::string& err);

// Checks that an image of any size is one a kernel can mount: its superblock parses and
// points inside the file, the file is bytes_used long (or that padded to 4 KiB), and the
// id table, fragment table and root directory read. Contents are not read.
[[nodiscard]] bool check_squashfs(const std::string& image_path, std::string& err);

} // namespace builder
