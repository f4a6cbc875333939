// The squashfs writer on libsquashfs; see squashfs.hpp.
//
// Writing, in the order the format wants it on disk:
//   superblock (rewritten at the end) | compressor options | data and fragment
//   blocks | inode table | directory table | fragment table | id table | padding
//
// Determinism comes from: a fixed owner (0:0) and mtime; children added to the
// directory writer in byte order (it does not sort); file data fed in one fixed
// depth-first order (the block processor sequences the blocks of its worker
// threads, so the thread count does not matter); inode numbers assigned in the
// order the inodes are written; nothing taken from the host but file contents.
#include "squashfs.hpp"

#include "sqfs.hpp"
#include "tree.hpp"

#include "builder/image/blocks/block_cache.hpp"
#include "builder/image/blocks/block_memo.hpp"
#include "builder/image/blocks/caching_compressor.hpp"

#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/files.hpp"

#include <sqfs/block.h>
#include <sqfs/block_processor.h>
#include <sqfs/block_writer.h>
#include <sqfs/compressor.h>
#include <sqfs/dir_writer.h>
#include <sqfs/error.h>
#include <sqfs/frag_table.h>
#include <sqfs/id_table.h>
#include <sqfs/io.h>
#include <sqfs/meta_writer.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace builder {

namespace {

using namespace squashfs;

uint16_t type_bits(char type) {
    switch (type) {
    case 'd':
        return SQFS_INODE_MODE_DIR;
    case 'l':
        return SQFS_INODE_MODE_LNK;
    default:
        return SQFS_INODE_MODE_REG;
    }
}

// Members are destroyed in reverse order, so the objects that keep pointers
// (block processor, meta and directory writers) go before what they point to
// (file, compressors, tables).
struct Writer {
    std::string image;                   // the output, named in messages
    seedboot::AtomicFile* out = nullptr; // its new content, committed once all is written
    sqfs_super_t super{};
    std::shared_ptr<BlockStore> store; // what cmp reuses blocks from
    FilePtr file;
    CompressorPtr cmp;   // compresses data blocks and meta data, through the block store
    CompressorPtr uncmp; // lets the block processor compare duplicate fragments byte by byte
    BlockWriterPtr block_writer;
    FragTablePtr frag_table;
    BlockProcessorPtr proc;
    IdTablePtr ids;
    MetaWriterPtr inode_mw;
    MetaWriterPtr dir_mw;
    DirWriterPtr dir_writer;
    std::vector<char> read_buf; // one block; reused for every host file (zeroing it per file
                                // would cost more than reading a small file)
    uint64_t written_back = 0;  // bytes of the image handed to the disk so far
};

constexpr uint64_t kWritebackBytes = 16 << 20;

[[nodiscard]] bool check_options(const SquashfsOptions& opt, const std::string& image,
                                 std::string& err) {
    size_t bs = opt.block_size;
    if (bs < SQFS_MIN_BLOCK_SIZE || bs > SQFS_MAX_BLOCK_SIZE || (bs & (bs - 1)) != 0) {
        err = image + ": block size " + std::to_string(bs) +
              " is not a power of two between 4 KiB and 1 MiB";
        return false;
    }
    if (opt.zstd_level < SQFS_ZSTD_MIN_LEVEL || opt.zstd_level > SQFS_ZSTD_MAX_LEVEL) {
        err = image + ": zstd level " + std::to_string(opt.zstd_level) + " is not in 1..22";
        return false;
    }
    return true;
}

[[nodiscard]] bool make_compressor(const std::string& image, size_t block_size, int level,
                                   uint16_t flags, CompressorPtr& out, std::string& err) {
    sqfs_compressor_config_t cfg;
    int ret = sqfs_compressor_config_init(&cfg, SQFS_COMP_ZSTD, block_size, flags);
    if (!sqfs_ok(ret, image, "configuring zstd", err)) return false;
    cfg.level = uint32_t(level);
    sqfs_compressor_t* cmp = nullptr;
    ret = sqfs_compressor_create(&cfg, &cmp);
    out.reset(cmp);
    return sqfs_ok(ret, image, "creating the zstd compressor", err);
}

// The block cache if one is asked for, else a memo beside the image.
[[nodiscard]] bool open_store(Writer& w, const SquashfsOptions& opt, std::string& err) {
    if (!opt.reuse_blocks) return true;
    if (!opt.block_cache.empty()) return open_block_cache(opt.block_cache, w.store, err);
    return open_block_memo(seedboot::parent_dir(w.image), w.store, err);
}

// The compressor for everything written: zstd behind the block store, if there is one.
[[nodiscard]] bool make_caching_zstd(Writer& w, const SquashfsOptions& opt, std::string& err) {
    CompressorPtr zstd;
    if (!make_compressor(w.image, opt.block_size, opt.zstd_level, 0, zstd, err)) return false;
    if (!w.store) {
        w.cmp = std::move(zstd);
        return true;
    }
    sqfs_compressor_t* cmp = nullptr;
    int ret = make_caching_compressor(zstd.release(), w.store, &cmp);
    w.cmp.reset(cmp);
    return sqfs_ok(ret, w.image, "creating the caching compressor", err);
}

// Creates the output, the compressors and the provisional superblock.
[[nodiscard]] bool open_output(Writer& w, const SquashfsOptions& opt, std::string& err) {
    if (!w.out->create(w.image, 0644, err)) return false;
    w.file.reset(sqfs_open_file(w.out->temp_path().c_str(), SQFS_FILE_OPEN_OVERWRITE));
    if (!w.file) {
        err = seedboot::sys_error(w.image + ": cannot open " + w.out->temp_path());
        return false;
    }
    if (!make_caching_zstd(w, opt, err)) return false;
    if (!make_compressor(w.image, opt.block_size, opt.zstd_level, SQFS_COMP_FLAG_UNCOMPRESS,
                         w.uncmp, err))
        return false;
    int ret = sqfs_super_init(&w.super, opt.block_size, opt.mtime, SQFS_COMP_ZSTD);
    if (!sqfs_ok(ret, w.image, "initializing the superblock", err)) return false;
    // sqfs_super_init sets SQFS_FLAG_NO_DUPLICATES (0x0040), which we keep: despite
    // its name, the format (and unsquashfs -s) reads that bit as "data has been
    // deduplicated", and the block writer does deduplicate.
    // Reserve the superblock's place; it is written again with the final values.
    ret = sqfs_super_write(&w.super, w.file.get());
    if (!sqfs_ok(ret, w.image, "writing the superblock", err)) return false;
    // Writes nothing for the default level (15); otherwise the level goes in an
    // options block right after the superblock.
    ret = w.cmp->write_options(w.cmp.get(), w.file.get());
    if (ret < 0) return sqfs_ok(ret, w.image, "writing the compressor options", err);
    if (ret > 0) w.super.flags |= SQFS_FLAG_COMPRESSOR_OPTIONS;
    return true;
}

[[nodiscard]] bool create_block_processor(Writer& w, const SquashfsOptions& opt, std::string& err) {
    w.block_writer.reset(sqfs_block_writer_create(w.file.get(), SQFS_DEVBLK_SIZE, 0));
    w.frag_table.reset(sqfs_frag_table_create(0));
    if (!w.block_writer || !w.frag_table) {
        err = w.image + ": creating the block writer: out of memory";
        return false;
    }
    sqfs_block_processor_desc_t desc{};
    desc.size = sizeof(desc);
    desc.max_block_size = uint32_t(opt.block_size);
    desc.num_workers = std::max(opt.workers, 1u);
    desc.max_backlog = 10 * desc.num_workers; // blocks in flight; memory use only
    desc.cmp = w.cmp.get();
    desc.wr = w.block_writer.get();
    desc.tbl = w.frag_table.get();
    desc.file = w.file.get();
    desc.uncmp = w.uncmp.get();
    sqfs_block_processor_t* proc = nullptr;
    int ret = sqfs_block_processor_create_ex(&desc, &proc);
    w.proc.reset(proc);
    return sqfs_ok(ret, w.image, "creating the block processor", err);
}

// Streams a host file into the current file of the block processor.
[[nodiscard]] bool append_host_file(Writer& w, const Node& n, size_t block_size, std::string& err) {
    const std::string& host = n.entry->host_file;
    const std::string for_entry = " (for " + quoted(n.entry->path) + ")";
    // O_NONBLOCK: opening a fifo must not wait for a writer before fstat refuses it.
    seedboot::Fd fd(::open(host.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd.ok()) {
        err = seedboot::sys_error(host + ": cannot open") + for_entry;
        return false;
    }
    struct stat st {};
    // Refuse directories, fifos and devices: reading those fails or never ends.
    if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        err = host + ": not a regular file" + for_entry;
        return false;
    }
    std::vector<char>& buf = w.read_buf;
    buf.resize(block_size);
    // Reads the size fstat gave and no further: the read that would return 0 at the end
    // costs a system call per file, which is not free in a VM.
    for (uint64_t left = uint64_t(st.st_size); left > 0;) {
        ssize_t got = ::read(fd.get(), buf.data(), size_t(std::min<uint64_t>(buf.size(), left)));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            err = seedboot::sys_error(host + ": read error") + for_entry;
            return false;
        }
        if (got == 0) return true; // the file shrank: what it holds now
        left -= uint64_t(got);
        int ret = sqfs_block_processor_append(w.proc.get(), buf.data(), size_t(got));
        if (!sqfs_ok(ret, w.image, "storing " + quoted(n.entry->path), err)) return false;
    }
    return true;
}

[[nodiscard]] bool write_file_data(Writer& w, Node& n, size_t block_size, std::string& err) {
    const std::string what = "storing " + quoted(n.entry->path);
    int ret = sqfs_block_processor_begin_file(w.proc.get(), &n.file_inode, nullptr, 0);
    if (!sqfs_ok(ret, w.image, what, err)) return false;
    if (!n.entry->host_file.empty()) {
        if (!append_host_file(w, n, block_size, err)) return false;
    } else if (!n.entry->data.empty()) {
        ret = sqfs_block_processor_append(w.proc.get(), n.entry->data.data(), n.entry->data.size());
        if (!sqfs_ok(ret, w.image, what, err)) return false;
    }
    ret = sqfs_block_processor_end_file(w.proc.get());
    return sqfs_ok(ret, w.image, what, err);
}

// All file contents, in the fixed depth-first order.
// Every 16 MiB, what the image holds so far goes to the disk in the background: the fsync
// that makes the image durable then has little left to wait for.
void start_writeback(Writer& w) {
    uint64_t size = w.file->get_size(w.file.get());
    if (size - w.written_back < kWritebackBytes) return;
    w.out->start_writeback();
    w.written_back = size;
}

[[nodiscard]] bool write_all_file_data(Writer& w, Tree& tree, size_t block_size, std::string& err) {
    for (Node* n : tree.files) {
        if (!write_file_data(w, *n, block_size, err)) return false;
        start_writeback(w);
    }
    // Waits for the workers and flushes the last fragment block. Only now are the
    // file inodes final.
    int ret = sqfs_block_processor_finish(w.proc.get());
    return sqfs_ok(ret, w.image, "finishing the data blocks", err);
}

[[nodiscard]] bool create_meta_writers(Writer& w, std::string& err) {
    w.ids.reset(sqfs_id_table_create(0));
    // Inodes go straight to the file (right after the data); directory listings
    // are kept in memory and written after the inode table.
    w.inode_mw.reset(sqfs_meta_writer_create(w.file.get(), w.cmp.get(), 0));
    w.dir_mw.reset(
        sqfs_meta_writer_create(w.file.get(), w.cmp.get(), SQFS_META_WRITER_KEEP_IN_MEMORY));
    if (w.dir_mw) w.dir_writer.reset(sqfs_dir_writer_create(w.dir_mw.get(), 0));
    if (!w.ids || !w.inode_mw || !w.dir_mw || !w.dir_writer) {
        err = w.image + ": creating the meta data writers: out of memory";
        return false;
    }
    return true;
}

OwnInodePtr make_symlink_inode(const std::string& target) {
    OwnInodePtr inode(static_cast<sqfs_inode_generic_t*>(
        std::calloc(1, sizeof(sqfs_inode_generic_t) + target.size())));
    if (!inode) return inode;
    inode->base.type = SQFS_INODE_SLINK;
    inode->payload_bytes_available = uint32_t(target.size());
    inode->payload_bytes_used = uint32_t(target.size());
    inode->data.slink.nlink = 1;
    inode->data.slink.target_size = uint32_t(target.size());
    std::memcpy(inode->extra, target.data(), target.size());
    return inode;
}

// Writes the directory's listing and returns its inode (in `out`).
[[nodiscard]] bool make_dir_inode(Writer& w, const Node& dir, uint32_t inode_count,
                                  LibInodePtr& out, std::string& err) {
    const std::string what = "writing directory " + quoted(dir.entry->path);
    sqfs_dir_writer_t* dw = w.dir_writer.get();
    if (!sqfs_ok(sqfs_dir_writer_begin(dw, 0), w.image, what, err)) return false;
    for (const Node* c : dir.children) {
        uint16_t mode = uint16_t(type_bits(c->entry->type) | c->entry->mode);
        int ret = sqfs_dir_writer_add_entry(dw, c->name.c_str(), c->inode_num, c->inode_ref, mode);
        if (!sqfs_ok(ret, w.image, what, err)) return false;
    }
    if (!sqfs_ok(sqfs_dir_writer_end(dw), w.image, what, err)) return false;
    // The root's parent is inode_count + 1, as mksquashfs does.
    uint32_t parent = dir.parent ? dir.parent->inode_num : inode_count + 1;
    out.reset(sqfs_dir_writer_create_inode(dw, 0, kNoXattr, parent));
    if (!out) return sqfs_ok(SQFS_ERROR_ALLOC, w.image, what, err);
    // create_inode counts every entry as a link; the convention (and mksquashfs)
    // is "." + the entry in the parent + each subdirectory's "..".
    uint32_t nlink = uint32_t(2 + dir.subdirs);
    if (out->base.type == SQFS_INODE_EXT_DIR)
        out->data.dir_ext.nlink = nlink;
    else
        out->data.dir.nlink = nlink;
    return true;
}

[[nodiscard]] bool finish_file_inode(Writer& w, const Node& n, std::string& err) {
    sqfs_inode_generic_t* inode = n.file_inode;
    // The processor calloc()s the inode and may promote it to an extended one
    // (e.g. for sparse blocks), which leaves xattr index 0 and nlink 0 there.
    int ret = sqfs_inode_set_xattr_index(inode, kNoXattr);
    if (!sqfs_ok(ret, w.image, "finishing " + quoted(n.entry->path), err)) return false;
    if (inode->base.type == SQFS_INODE_EXT_FILE) inode->data.file_ext.nlink = 1;
    return true;
}

[[nodiscard]] bool write_inode(Writer& w, Node& n, sqfs_inode_generic_t& inode, uint32_t mtime,
                               std::string& err) {
    const std::string what = "writing the inode of " + quoted(n.entry->path);
    inode.base.mode = uint16_t(type_bits(n.entry->type) | n.entry->mode);
    inode.base.mod_time = mtime;
    inode.base.inode_number = n.inode_num;
    int ret = sqfs_id_table_id_to_index(w.ids.get(), kOwnerId, &inode.base.uid_idx);
    if (!sqfs_ok(ret, w.image, what, err)) return false;
    ret = sqfs_id_table_id_to_index(w.ids.get(), kOwnerId, &inode.base.gid_idx);
    if (!sqfs_ok(ret, w.image, what, err)) return false;
    uint64_t block = 0;
    uint32_t offset = 0;
    sqfs_meta_writer_get_position(w.inode_mw.get(), &block, &offset);
    n.inode_ref = (block << 16) | offset;
    ret = sqfs_meta_writer_write_inode(w.inode_mw.get(), &inode);
    return sqfs_ok(ret, w.image, what, err);
}

[[nodiscard]] bool write_node(Writer& w, Node& n, uint32_t inode_count, uint32_t mtime,
                              std::string& err) {
    switch (n.entry->type) {
    case 'f':
        if (!finish_file_inode(w, n, err)) return false;
        return write_inode(w, n, *n.file_inode, mtime, err);
    case 'l': {
        OwnInodePtr inode = make_symlink_inode(n.entry->data);
        if (!inode) return sqfs_ok(SQFS_ERROR_ALLOC, w.image, quoted(n.entry->path), err);
        return write_inode(w, n, *inode, mtime, err);
    }
    default: {
        LibInodePtr inode;
        if (!make_dir_inode(w, n, inode_count, inode, err)) return false;
        return write_inode(w, n, *inode, mtime, err);
    }
    }
}

[[nodiscard]] bool write_inode_and_dir_tables(Writer& w, Tree& tree, uint32_t mtime,
                                              std::string& err) {
    uint32_t count = uint32_t(tree.order.size());
    w.super.inode_table_start = w.file->get_size(w.file.get());
    for (Node* n : tree.order) {
        if (!write_node(w, *n, count, mtime, err)) return false;
    }
    int ret = sqfs_meta_writer_flush(w.inode_mw.get());
    if (!sqfs_ok(ret, w.image, "writing the inode table", err)) return false;
    ret = sqfs_meta_writer_flush(w.dir_mw.get());
    if (!sqfs_ok(ret, w.image, "writing the directory table", err)) return false;
    w.super.inode_count = count;
    w.super.root_inode_ref = tree.root->inode_ref;
    w.super.directory_table_start = w.file->get_size(w.file.get());
    ret = sqfs_meta_write_write_to_file(w.dir_mw.get());
    return sqfs_ok(ret, w.image, "writing the directory table", err);
}

[[nodiscard]] bool pad_to_device_block(Writer& w, std::string& err) {
    uint64_t size = w.file->get_size(w.file.get());
    size_t pad = size_t((SQFS_DEVBLK_SIZE - size % SQFS_DEVBLK_SIZE) % SQFS_DEVBLK_SIZE);
    if (pad == 0) return true;
    std::vector<char> zeros(pad, 0);
    int ret = w.file->write_at(w.file.get(), size, zeros.data(), zeros.size());
    return sqfs_ok(ret, w.image, "padding the image", err);
}

[[nodiscard]] bool write_tables_and_super(Writer& w, std::string& err) {
    int ret = sqfs_frag_table_write(w.frag_table.get(), w.file.get(), &w.super, w.cmp.get());
    if (!sqfs_ok(ret, w.image, "writing the fragment table", err)) return false;
    ret = sqfs_id_table_write(w.ids.get(), w.file.get(), &w.super, w.cmp.get());
    if (!sqfs_ok(ret, w.image, "writing the id table", err)) return false;
    // bytes_used excludes the padding, as the format wants.
    w.super.bytes_used = w.file->get_size(w.file.get());
    ret = sqfs_super_write(&w.super, w.file.get());
    if (!sqfs_ok(ret, w.image, "writing the superblock", err)) return false;
    return pad_to_device_block(w, err);
}

[[nodiscard]] bool write_image(Tree& tree, const SquashfsOptions& opt, Writer& w,
                               std::string& err) {
    return open_store(w, opt, err) && open_output(w, opt, err) &&
           create_block_processor(w, opt, err) &&
           write_all_file_data(w, tree, opt.block_size, err) && create_meta_writers(w, err) &&
           write_inode_and_dir_tables(w, tree, opt.mtime, err) && write_tables_and_super(w, err);
}

} // namespace

[[nodiscard]] bool write_squashfs(const std::vector<ImageEntry>& entries,
                                  const std::string& out_path, const SquashfsOptions& opt,
                                  std::string& err, SquashfsStats* stats) {
    if (!check_options(opt, out_path, err)) return false;
    // The tree is declared before the writer so that it outlives the block
    // processor, which holds pointers into the nodes.
    Tree tree;
    if (!build_tree(entries, out_path, tree, err)) return false;
    seedboot::AtomicFile out; // removed unless committed: a failed run leaves the old image
    bool ok = false;
    {
        Writer w;
        w.image = out_path;
        w.out = &out;
        ok = write_image(tree, opt, w, err);
        if (stats && w.store) {
            stats->blocks_compressed = w.store->stats.compressed.load();
            stats->blocks_reused = w.store->stats.reused.load();
        }
    } // closes the temporary file
    return ok && out.commit(err);
}

std::string describe_stats(const SquashfsStats& stats) {
    return std::to_string(stats.blocks_compressed + stats.blocks_reused) +
           " blocks: " + std::to_string(stats.blocks_compressed) + " compressed, " +
           std::to_string(stats.blocks_reused) + " reused";
}

} // namespace builder
