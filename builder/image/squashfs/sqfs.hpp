// What the squashfs writer and reader share (squashfs.hpp is their interface): ownership
// of libsquashfs objects, its error codes as text, and the format's names and constants.
#pragma once

#include <sqfs/dir.h>
#include <sqfs/inode.h>
#include <sqfs/predef.h>
#include <sqfs/super.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace builder::squashfs {

// ---------------------------------------------------------------------------
// Ownership of libsquashfs objects

// Every libsquashfs object (file, compressor, tables, readers, writers) is
// released with sqfs_destroy.
struct SqfsDestroy {
    void operator()(void* obj) const { sqfs_destroy(obj); }
};
template <typename T> using SqfsPtr = std::unique_ptr<T, SqfsDestroy>;

using FilePtr = SqfsPtr<sqfs_file_t>;
using CompressorPtr = SqfsPtr<sqfs_compressor_t>;
using BlockWriterPtr = SqfsPtr<sqfs_block_writer_t>;
using FragTablePtr = SqfsPtr<sqfs_frag_table_t>;
using BlockProcessorPtr = SqfsPtr<sqfs_block_processor_t>;
using IdTablePtr = SqfsPtr<sqfs_id_table_t>;
using MetaWriterPtr = SqfsPtr<sqfs_meta_writer_t>;
using DirWriterPtr = SqfsPtr<sqfs_dir_writer_t>;
using DirReaderPtr = SqfsPtr<sqfs_dir_reader_t>;
using DataReaderPtr = SqfsPtr<sqfs_data_reader_t>;

// Plain buffers that libsquashfs allocates for us (inodes, directory entries)
// are released with sqfs_free, so that they go back to the library's heap.
struct SqfsFree {
    void operator()(void* ptr) const { sqfs_free(ptr); }
};
using LibInodePtr = std::unique_ptr<sqfs_inode_generic_t, SqfsFree>;
using DirEntryPtr = std::unique_ptr<sqfs_dir_entry_t, SqfsFree>;

// Inodes we allocate ourselves (symlinks) come from calloc.
struct StdFree {
    void operator()(void* ptr) const { std::free(ptr); }
};
using OwnInodePtr = std::unique_ptr<sqfs_inode_generic_t, StdFree>;

constexpr size_t kMaxNameBytes = 256;  // SQUASHFS_NAME_LEN in the Linux kernel
constexpr size_t kMaxPathBytes = 4095; // PATH_MAX without the terminating NUL
constexpr uint32_t kNoXattr = 0xFFFFFFFF;
constexpr uint64_t kNoTable = ~uint64_t{0};
constexpr uint32_t kOwnerId = 0;   // uid and gid of every inode
constexpr size_t kSuperBytes = 96; // on-disk size of the superblock
static_assert(sizeof(sqfs_super_t) == kSuperBytes, "sqfs_super_t is the on-disk layout");

std::string sqfs_error_text(int code);

// Turns a libsquashfs return code into true, or false with "<file>: <what>: <reason>".
[[nodiscard]] bool sqfs_ok(int ret, const std::string& file, const std::string& what,
                           std::string& err);

std::string quoted(std::string_view s);
std::string join_path(const std::string& dir, std::string_view name);

// A directory entry's name: 1..256 bytes, not "." or "..", no '/' or NUL.
[[nodiscard]] bool is_valid_name(std::string_view name);

} // namespace builder::squashfs
