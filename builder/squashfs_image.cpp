// Squashfs writer and reader on libsquashfs; see squashfs_image.hpp.
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
#include "squashfs_image.hpp"

#include "block_cache.hpp"
#include "block_memo.hpp"
#include "caching_compressor.hpp"

#include <sqfs/block.h>
#include <sqfs/block_processor.h>
#include <sqfs/block_writer.h>
#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir.h>
#include <sqfs/dir_reader.h>
#include <sqfs/dir_writer.h>
#include <sqfs/error.h>
#include <sqfs/frag_table.h>
#include <sqfs/id_table.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/meta_writer.h>
#include <sqfs/super.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string_view>

namespace builder {
namespace {

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

// A host file descriptor, closed when it goes out of scope.
class UniqueFd {
  public:
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

  private:
    int fd_;
};

// ---------------------------------------------------------------------------
// Small helpers

constexpr size_t kMaxNameBytes = 256;  // SQUASHFS_NAME_LEN in the Linux kernel
constexpr size_t kMaxPathBytes = 4095; // PATH_MAX without the terminating NUL
constexpr uint32_t kNoXattr = 0xFFFFFFFF;
constexpr uint64_t kNoTable = ~uint64_t{0};
constexpr uint32_t kOwnerId = 0;   // uid and gid of every inode
constexpr size_t kSuperBytes = 96; // on-disk size of the superblock
static_assert(sizeof(sqfs_super_t) == kSuperBytes, "sqfs_super_t is the on-disk layout");

std::string sqfs_error_text(int code) {
    switch (code) {
    case SQFS_ERROR_ALLOC:
        return "out of memory";
    case SQFS_ERROR_IO:
        return "I/O error";
    case SQFS_ERROR_COMPRESSOR:
        return "compressor error (corrupted data?)";
    case SQFS_ERROR_INTERNAL:
        return "internal libsquashfs error";
    case SQFS_ERROR_CORRUPTED:
        return "corrupted data";
    case SQFS_ERROR_UNSUPPORTED:
        return "unsupported feature or option";
    case SQFS_ERROR_OVERFLOW:
        return "size overflow (corrupted data?)";
    case SQFS_ERROR_OUT_OF_BOUNDS:
        return "location out of bounds (corrupted or truncated?)";
    case SFQS_ERROR_SUPER_MAGIC:
        return "bad superblock magic";
    case SFQS_ERROR_SUPER_VERSION:
        return "unsupported squashfs version";
    case SQFS_ERROR_SUPER_BLOCK_SIZE:
        return "invalid block size";
    case SQFS_ERROR_NOT_DIR:
        return "not a directory";
    case SQFS_ERROR_NO_ENTRY:
        return "no such entry";
    case SQFS_ERROR_LINK_LOOP:
        return "link loop";
    case SQFS_ERROR_NOT_FILE:
        return "not a regular file";
    case SQFS_ERROR_ARG_INVALID:
        return "invalid argument";
    case SQFS_ERROR_SEQUENCE:
        return "libsquashfs calls out of sequence";
    default:
        return "libsquashfs error " + std::to_string(code);
    }
}

// Turns a libsquashfs return code into true, or false with "<file>: <what>: <reason>".
bool sqfs_ok(int ret, const std::string& file, const std::string& what, std::string& err) {
    if (ret == 0) return true;
    err = file + ": " + what + ": " + sqfs_error_text(ret);
    return false;
}

std::string quoted(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

std::string errno_text() {
    return std::strerror(errno);
}

std::string join_path(const std::string& dir, std::string_view name) {
    return (dir == "/" ? "/" : dir + "/") + std::string(name);
}

bool is_valid_name(std::string_view name) {
    return !name.empty() && name.size() <= kMaxNameBytes && name != "." && name != ".." &&
           name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

// "/" or "/name(/name)*" with valid names; fills `why` otherwise.
bool check_path(const std::string& path, std::string& why) {
    if (path == "/") return true;
    if (path.empty() || path[0] != '/') {
        why = "path is not absolute";
        return false;
    }
    if (path.size() > kMaxPathBytes) {
        why = "path is longer than " + std::to_string(kMaxPathBytes) + " bytes";
        return false;
    }
    size_t start = 1;
    while (start <= path.size()) {
        size_t end = std::min(path.find('/', start), path.size());
        if (!is_valid_name(std::string_view(path).substr(start, end - start))) {
            why = "path has an empty, \".\", \"..\" or over-long component, or a NUL byte";
            return false;
        }
        start = end + 1;
    }
    return true;
}

bool check_entry(const ImageEntry& e, std::string& why) {
    if (!check_path(e.path, why)) return false;
    if ((e.mode & ~uint32_t{07777}) != 0) {
        why = "mode has bits outside 07777";
        return false;
    }
    switch (e.type) {
    case 'd':
        if (!e.host_file.empty() || !e.data.empty()) why = "a directory takes no host_file or data";
        break;
    case 'f':
        if (!e.host_file.empty() && !e.data.empty())
            why = "a file takes host_file or data, not both";
        break;
    case 'l':
        if (!e.host_file.empty())
            why = "a symlink takes no host_file";
        else if (e.data.empty())
            why = "a symlink needs a target in data";
        else if (e.data.find('\0') != std::string::npos)
            why = "symlink target has a NUL byte";
        break;
    default:
        why = "unknown type '" + std::string(1, e.type) + "' (want d, f or l)";
    }
    return why.empty();
}

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

// ---------------------------------------------------------------------------
// The tree to write

struct Node {
    const ImageEntry* entry = nullptr;
    std::string name;            // last path component; empty for the root
    Node* parent = nullptr;      // null for the root
    std::vector<Node*> children; // sorted by name, bytewise (as strcmp)
    size_t subdirs = 0;
    uint32_t inode_num = 0; // 1..N in write order; the root is N
    uint64_t inode_ref = 0; // (meta block offset << 16) | offset in block, once written
    // For files: the inode that the block processor creates, keeps updating and may
    // reallocate until sqfs_block_processor_finish returns. The processor holds the
    // address of this member, which is why nodes never move (they live behind
    // unique_ptrs) and must outlive the processor.
    sqfs_inode_generic_t* file_inode = nullptr;

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    ~Node() { sqfs_free(file_inode); }
};

struct Tree {
    std::vector<std::unique_ptr<Node>> storage;
    Node* root = nullptr;
    // Inode order (see collect_inode_order): every node after its children, as a
    // directory's listing needs its children's inode locations.
    std::vector<Node*> order;
    std::vector<Node*> files; // regular files, depth first: the order of their data
};

std::string parent_path(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

bool add_nodes(const std::vector<ImageEntry>& entries, const std::string& image, Tree& tree,
               std::map<std::string_view, Node*>& by_path, std::string& err) {
    for (const ImageEntry& e : entries) {
        std::string why;
        if (!check_entry(e, why)) {
            err = image + ": entry " + quoted(e.path) + ": " + why;
            return false;
        }
        auto node = std::make_unique<Node>();
        node->entry = &e;
        if (e.path != "/") node->name = e.path.substr(e.path.rfind('/') + 1);
        if (!by_path.emplace(e.path, node.get()).second) {
            err = image + ": entry " + quoted(e.path) + " is listed twice";
            return false;
        }
        tree.storage.push_back(std::move(node));
    }
    return true;
}

bool link_nodes(const std::map<std::string_view, Node*>& by_path, const std::string& image,
                Tree& tree, std::string& err) {
    auto root = by_path.find("/");
    if (root == by_path.end() || root->second->entry->type != 'd') {
        err = image + ": the entries have no root directory \"/\"";
        return false;
    }
    tree.root = root->second;
    for (const auto& [path, node] : by_path) {
        if (node == tree.root) continue;
        std::string parent = parent_path(node->entry->path);
        auto it = by_path.find(parent);
        if (it == by_path.end() || it->second->entry->type != 'd') {
            err = image + ": entry " + quoted(path) + ": parent directory " + quoted(parent) +
                  (it == by_path.end() ? " is not in the entries" : " is not a directory");
            return false;
        }
        node->parent = it->second;
        node->parent->children.push_back(node);
        if (node->entry->type == 'd') node->parent->subdirs++;
    }
    return true;
}

// Sorts every directory's children and lists the files in depth-first order,
// the order their data is written in.
void collect_files(Node* dir, std::vector<Node*>& files) {
    std::sort(dir->children.begin(), dir->children.end(),
              [](const Node* a, const Node* b) { return a->name < b->name; });
    for (Node* child : dir->children) {
        if (child->entry->type == 'd')
            collect_files(child, files);
        else if (child->entry->type == 'f')
            files.push_back(child);
    }
}

// Inode order below `dir` (the root comes last, after this): the subtrees of its
// subdirectories first, then all its children one after the other, as
// gensquashfs numbers them. Siblings then sit side by side in the inode table,
// so a directory listing needs few headers and the tables compress better than
// in plain post order. Every directory still comes after its children.
void collect_inode_order(const Node* dir, std::vector<Node*>& order) {
    for (Node* child : dir->children) {
        if (child->entry->type == 'd') collect_inode_order(child, order);
    }
    order.insert(order.end(), dir->children.begin(), dir->children.end());
}

bool build_tree(const std::vector<ImageEntry>& entries, const std::string& image, Tree& tree,
                std::string& err) {
    std::map<std::string_view, Node*> by_path;
    if (!add_nodes(entries, image, tree, by_path, err)) return false;
    if (!link_nodes(by_path, image, tree, err)) return false;
    collect_files(tree.root, tree.files);
    collect_inode_order(tree.root, tree.order);
    tree.order.push_back(tree.root);
    for (size_t i = 0; i < tree.order.size(); ++i) tree.order[i]->inode_num = uint32_t(i + 1);
    return true;
}

// ---------------------------------------------------------------------------
// Writing

// Members are destroyed in reverse order, so the objects that keep pointers
// (block processor, meta and directory writers) go before what they point to
// (file, compressors, tables).
struct Writer {
    std::string image;
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
};

bool check_options(const SquashfsOptions& opt, const std::string& image, std::string& err) {
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

bool make_compressor(const std::string& image, size_t block_size, int level, uint16_t flags,
                     CompressorPtr& out, std::string& err) {
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
bool open_store(Writer& w, const SquashfsOptions& opt, std::string& err) {
    if (!opt.reuse_blocks) return true;
    if (!opt.block_cache.empty()) return open_block_cache(opt.block_cache, w.store, err);
    size_t slash = w.image.rfind('/');
    std::string dir = slash == std::string::npos ? "."
                      : slash == 0               ? "/"
                                                 : w.image.substr(0, slash);
    return open_block_memo(dir, w.store, err);
}

// The compressor for everything written: zstd behind the block store, if there is one.
bool make_caching_zstd(Writer& w, const SquashfsOptions& opt, std::string& err) {
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
bool open_output(Writer& w, const SquashfsOptions& opt, std::string& err) {
    w.file.reset(sqfs_open_file(w.image.c_str(), SQFS_FILE_OPEN_OVERWRITE));
    if (!w.file) {
        err = w.image + ": cannot create: " + errno_text();
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

bool create_block_processor(Writer& w, const SquashfsOptions& opt, std::string& err) {
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
bool append_host_file(Writer& w, const Node& n, size_t block_size, std::string& err) {
    const std::string& host = n.entry->host_file;
    const std::string for_entry = " (for " + quoted(n.entry->path) + ")";
    // O_NONBLOCK: opening a fifo must not wait for a writer before fstat refuses it.
    UniqueFd fd(::open(host.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        err = host + ": cannot open: " + errno_text() + for_entry;
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
            err = host + ": read error: " + errno_text() + for_entry;
            return false;
        }
        if (got == 0) return true; // the file shrank: what it holds now
        left -= uint64_t(got);
        int ret = sqfs_block_processor_append(w.proc.get(), buf.data(), size_t(got));
        if (!sqfs_ok(ret, w.image, "storing " + quoted(n.entry->path), err)) return false;
    }
    return true;
}

bool write_file_data(Writer& w, Node& n, size_t block_size, std::string& err) {
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
bool write_all_file_data(Writer& w, Tree& tree, size_t block_size, std::string& err) {
    for (Node* n : tree.files) {
        if (!write_file_data(w, *n, block_size, err)) return false;
    }
    // Waits for the workers and flushes the last fragment block. Only now are the
    // file inodes final.
    int ret = sqfs_block_processor_finish(w.proc.get());
    return sqfs_ok(ret, w.image, "finishing the data blocks", err);
}

bool create_meta_writers(Writer& w, std::string& err) {
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
bool make_dir_inode(Writer& w, const Node& dir, uint32_t inode_count, LibInodePtr& out,
                    std::string& err) {
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

bool finish_file_inode(Writer& w, const Node& n, std::string& err) {
    sqfs_inode_generic_t* inode = n.file_inode;
    // The processor calloc()s the inode and may promote it to an extended one
    // (e.g. for sparse blocks), which leaves xattr index 0 and nlink 0 there.
    int ret = sqfs_inode_set_xattr_index(inode, kNoXattr);
    if (!sqfs_ok(ret, w.image, "finishing " + quoted(n.entry->path), err)) return false;
    if (inode->base.type == SQFS_INODE_EXT_FILE) inode->data.file_ext.nlink = 1;
    return true;
}

bool write_inode(Writer& w, Node& n, sqfs_inode_generic_t& inode, uint32_t mtime,
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

bool write_node(Writer& w, Node& n, uint32_t inode_count, uint32_t mtime, std::string& err) {
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

bool write_inode_and_dir_tables(Writer& w, Tree& tree, uint32_t mtime, std::string& err) {
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

bool pad_to_device_block(Writer& w, std::string& err) {
    uint64_t size = w.file->get_size(w.file.get());
    size_t pad = size_t((SQFS_DEVBLK_SIZE - size % SQFS_DEVBLK_SIZE) % SQFS_DEVBLK_SIZE);
    if (pad == 0) return true;
    std::vector<char> zeros(pad, 0);
    int ret = w.file->write_at(w.file.get(), size, zeros.data(), zeros.size());
    return sqfs_ok(ret, w.image, "padding the image", err);
}

bool write_tables_and_super(Writer& w, std::string& err) {
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

bool write_image(Tree& tree, const SquashfsOptions& opt, Writer& w, std::string& err) {
    return open_store(w, opt, err) && open_output(w, opt, err) &&
           create_block_processor(w, opt, err) &&
           write_all_file_data(w, tree, opt.block_size, err) && create_meta_writers(w, err) &&
           write_inode_and_dir_tables(w, tree, opt.mtime, err) && write_tables_and_super(w, err);
}

// ---------------------------------------------------------------------------
// Reading

constexpr unsigned kMaxDepth = 1024; // deeper than any sane tree; stops stack overflows

bool is_dir_inode(const sqfs_inode_generic_t& i) {
    return i.base.type == SQFS_INODE_DIR || i.base.type == SQFS_INODE_EXT_DIR;
}
bool is_file_inode(const sqfs_inode_generic_t& i) {
    return i.base.type == SQFS_INODE_FILE || i.base.type == SQFS_INODE_EXT_FILE;
}
bool is_symlink_inode(const sqfs_inode_generic_t& i) {
    return i.base.type == SQFS_INODE_SLINK || i.base.type == SQFS_INODE_EXT_SLINK;
}

// One open image. Not copyable or movable: the directory reader keeps a pointer
// to super_, and every reader keeps pointers to file_ and cmp_. Members are
// destroyed in reverse order, readers first.
class ImageReader {
  public:
    explicit ImageReader(std::string path) : path_(std::move(path)) {}
    ImageReader(const ImageReader&) = delete;
    ImageReader& operator=(const ImageReader&) = delete;

    bool open(std::string& err) {
        return open_file(err) && read_superblock(err) && check_layout(err) && create_readers(err);
    }
    bool read_all(std::vector<ImageEntry>& out, std::string& err);
    bool read_one(const std::string& path, std::string& data, std::string& err);

  private:
    struct Child {
        std::string name;
        LibInodePtr inode;
    };

    bool fail(const std::string& what, std::string& err) const {
        err = path_ + ": " + what;
        return false;
    }
    bool open_file(std::string& err);
    bool read_superblock(std::string& err);
    bool check_layout(std::string& err);
    bool create_readers(std::string& err);
    bool list_dir(const sqfs_inode_generic_t& dir, const std::string& dir_path,
                  std::vector<Child>& children, std::string& err);
    bool walk(const sqfs_inode_generic_t& dir, const std::string& dir_path, unsigned depth,
              std::vector<ImageEntry>& out, std::string& err);
    bool to_entry(const sqfs_inode_generic_t& inode, const std::string& path, ImageEntry& e,
                  std::string& err);
    bool read_content(const sqfs_inode_generic_t& inode, const std::string& path, std::string& data,
                      std::string& err);

    std::string path_;
    uint64_t file_size_ = 0;
    uint64_t content_left_ = kMaxReadImageBytes; // budget for all file contents together
    std::set<uint32_t> seen_dirs_;               // inode numbers, to stop directory loops
    sqfs_super_t super_{};
    FilePtr file_;
    CompressorPtr cmp_;
    IdTablePtr ids_;
    DirReaderPtr dir_reader_;
    DataReaderPtr data_reader_;
};

bool ImageReader::open_file(std::string& err) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return fail("cannot open: " + errno_text(), err);
    if (!S_ISREG(st.st_mode)) return fail("not a regular file", err);
    file_size_ = uint64_t(st.st_size);
    if (file_size_ > kMaxReadImageBytes)
        return fail("image is " + std::to_string(file_size_) +
                        " bytes, larger than the 1 GiB this reader accepts",
                    err);
    file_.reset(sqfs_open_file(path_.c_str(), SQFS_FILE_OPEN_READ_ONLY));
    if (!file_) return fail("cannot open: " + errno_text(), err);
    return true;
}

bool ImageReader::read_superblock(std::string& err) {
    // Check the magic ourselves first, so that a short or foreign file says so.
    unsigned char b[4] = {};
    if (file_size_ < sizeof(b) || file_->read_at(file_.get(), 0, b, sizeof(b)) != 0)
        return fail("not a squashfs image (bad magic)", err);
    uint32_t magic = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 |
                     uint32_t(b[3]) << 24; // little endian on disk
    if (magic != uint32_t{SQFS_MAGIC}) return fail("not a squashfs image (bad magic)", err);
    if (file_size_ < kSuperBytes)
        return fail("truncated: " + std::to_string(file_size_) + " bytes, less than a superblock",
                    err);
    int ret = sqfs_super_read(&super_, file_.get());
    if (ret == SFQS_ERROR_SUPER_VERSION)
        return fail("unsupported squashfs version (want 4.0)", err);
    if (ret != 0) return fail("bad superblock: " + sqfs_error_text(ret), err);
    if (super_.bytes_used > file_size_)
        return fail("truncated: the superblock says " + std::to_string(super_.bytes_used) +
                        " bytes, the file has " + std::to_string(file_size_),
                    err);
    return true;
}

// Cheap sanity checks on where the superblock says the tables are, so that a
// damaged superblock is reported as such rather than as some read error later.
bool ImageReader::check_layout(std::string& err) {
    const uint64_t end = super_.bytes_used;
    auto bad = [&](const char* what) { return fail(std::string("bad superblock: ") + what, err); };
    if (end < kSuperBytes) return bad("image size smaller than the superblock");
    if (super_.inode_table_start < kSuperBytes || super_.inode_table_start >= end)
        return bad("inode table outside the image");
    if (super_.directory_table_start < super_.inode_table_start ||
        super_.directory_table_start > end)
        return bad("directory table outside the image");
    if (super_.id_table_start < super_.directory_table_start || super_.id_table_start >= end)
        return bad("id table outside the image");
    for (uint64_t start :
         {super_.fragment_table_start, super_.export_table_start, super_.xattr_id_table_start}) {
        if (start != kNoTable && start >= end) return bad("a table starts past the image end");
    }
    // libsquashfs allocates 16 bytes per fragment entry before reading the table.
    // Each entry stands for a fragment block of at least one byte in the data area
    // (between superblock and inode table), which bounds the count.
    if (super_.fragment_entry_count > super_.inode_table_start - kSuperBytes)
        return bad("more fragments than the data area can hold");
    return true;
}

bool ImageReader::create_readers(std::string& err) {
    sqfs_compressor_config_t cfg;
    auto comp = SQFS_COMPRESSOR(super_.compression_id);
    int ret = sqfs_compressor_config_init(&cfg, comp, super_.block_size, SQFS_COMP_FLAG_UNCOMPRESS);
    sqfs_compressor_t* cmp = nullptr;
    if (ret == 0) ret = sqfs_compressor_create(&cfg, &cmp);
    cmp_.reset(cmp);
    if (ret != 0)
        return fail("compressor " + std::to_string(super_.compression_id) + ": " +
                        sqfs_error_text(ret),
                    err);
    if (super_.flags & SQFS_FLAG_COMPRESSOR_OPTIONS) {
        ret = cmp_->read_options(cmp_.get(), file_.get());
        if (ret != 0) return fail("compressor options: " + sqfs_error_text(ret), err);
    }
    ids_.reset(sqfs_id_table_create(0));
    if (!ids_) return fail("out of memory", err);
    ret = sqfs_id_table_read(ids_.get(), file_.get(), &super_, cmp_.get());
    if (ret != 0) return fail("id table: " + sqfs_error_text(ret), err);
    dir_reader_.reset(sqfs_dir_reader_create(&super_, cmp_.get(), file_.get(), 0));
    data_reader_.reset(sqfs_data_reader_create(file_.get(), super_.block_size, cmp_.get(), 0));
    if (!dir_reader_ || !data_reader_) return fail("out of memory", err);
    ret = sqfs_data_reader_load_fragment_table(data_reader_.get(), &super_);
    if (ret != 0) return fail("fragment table: " + sqfs_error_text(ret), err);
    return true;
}

// Reads a directory's entries and their inodes. The reader can only iterate one
// directory at a time, so children are collected before anyone recurses.
bool ImageReader::list_dir(const sqfs_inode_generic_t& dir, const std::string& dir_path,
                           std::vector<Child>& children, std::string& err) {
    const std::string where = "directory " + quoted(dir_path) + ": ";
    int ret = sqfs_dir_reader_open_dir(dir_reader_.get(), &dir, 0);
    if (ret != 0) return fail(where + sqfs_error_text(ret), err);
    for (;;) {
        sqfs_dir_entry_t* raw = nullptr;
        ret = sqfs_dir_reader_read(dir_reader_.get(), &raw);
        if (ret > 0) return true; // end of the listing
        if (ret < 0) return fail(where + sqfs_error_text(ret), err);
        DirEntryPtr ent(raw);
        std::string name(reinterpret_cast<const char*>(ent->name), size_t(ent->size) + 1);
        if (!is_valid_name(name)) return fail(where + "invalid entry name", err);
        // The format keeps entries sorted (lookups depend on it): anything else is damage.
        if (!children.empty() && !(children.back().name < name))
            return fail(where + quoted(name) + ": entries unsorted or repeated", err);
        sqfs_inode_generic_t* inode = nullptr;
        ret = sqfs_dir_reader_get_inode(dir_reader_.get(), &inode);
        LibInodePtr owned(inode);
        if (ret != 0) return fail(where + quoted(name) + ": " + sqfs_error_text(ret), err);
        children.push_back({std::move(name), std::move(owned)});
    }
}

bool ImageReader::walk(const sqfs_inode_generic_t& dir, const std::string& dir_path, unsigned depth,
                       std::vector<ImageEntry>& out, std::string& err) {
    if (depth > kMaxDepth) return fail("directories nested too deep at " + quoted(dir_path), err);
    if (!seen_dirs_.insert(dir.base.inode_number).second)
        return fail("directory " + quoted(dir_path) + " appears twice (loop?)", err);
    std::vector<Child> children;
    if (!list_dir(dir, dir_path, children, err)) return false;
    for (const Child& c : children) {
        std::string path = join_path(dir_path, c.name);
        out.emplace_back();
        if (!to_entry(*c.inode, path, out.back(), err)) return false;
        if (is_dir_inode(*c.inode) && !walk(*c.inode, path, depth + 1, out, err)) return false;
    }
    return true;
}

bool ImageReader::to_entry(const sqfs_inode_generic_t& inode, const std::string& path,
                           ImageEntry& e, std::string& err) {
    e.path = path;
    e.mode = inode.base.mode & 07777u;
    uint32_t id = 0;
    if (sqfs_id_table_index_to_id(ids_.get(), inode.base.uid_idx, &id) != 0 ||
        sqfs_id_table_index_to_id(ids_.get(), inode.base.gid_idx, &id) != 0)
        return fail(quoted(path) + ": owner index not in the id table", err);
    if (is_dir_inode(inode)) {
        e.type = 'd';
    } else if (is_file_inode(inode)) {
        e.type = 'f';
        return read_content(inode, path, e.data, err);
    } else if (is_symlink_inode(inode)) {
        e.type = 'l';
        // libsquashfs allocates target_size bytes (+ a NUL) after the inode.
        e.data.assign(reinterpret_cast<const char*>(inode.extra), inode.data.slink.target_size);
    } else {
        return fail(quoted(path) + ": unsupported inode type " + std::to_string(inode.base.type) +
                        " (only directories, files and symlinks)",
                    err);
    }
    return true;
}

bool ImageReader::read_content(const sqfs_inode_generic_t& inode, const std::string& path,
                               std::string& data, std::string& err) {
    uint64_t size = 0;
    sqfs_inode_get_file_size(&inode, &size);
    if (size > content_left_)
        return fail(quoted(path) + ": " + std::to_string(size) +
                        " bytes, more than this reader keeps in memory (1 GiB in all)",
                    err);
    content_left_ -= size;
    data.resize(size);
    uint64_t done = 0;
    while (done < size) {
        // sqfs_data_reader_read takes at most 2 GiB - 2 per call.
        uint32_t chunk = uint32_t(std::min<uint64_t>(size - done, uint64_t{1} << 30));
        sqfs_s32 got = sqfs_data_reader_read(data_reader_.get(), &inode, done, &data[done], chunk);
        if (got < 0) return fail(quoted(path) + ": " + sqfs_error_text(got), err);
        if (got == 0) return fail(quoted(path) + ": file data ends early", err);
        done += uint64_t(got);
    }
    return true;
}

bool ImageReader::read_all(std::vector<ImageEntry>& out, std::string& err) {
    sqfs_inode_generic_t* raw = nullptr;
    int ret = sqfs_dir_reader_get_root_inode(dir_reader_.get(), &raw);
    LibInodePtr root(raw);
    if (ret != 0) return fail("root inode: " + sqfs_error_text(ret), err);
    if (!is_dir_inode(*root)) return fail("the root inode is not a directory", err);
    out.emplace_back();
    if (!to_entry(*root, "/", out.back(), err)) return false;
    if (!walk(*root, "/", 0, out, err)) return false;
    std::sort(out.begin(), out.end(),
              [](const ImageEntry& a, const ImageEntry& b) { return a.path < b.path; });
    return true;
}

bool ImageReader::read_one(const std::string& path, std::string& data, std::string& err) {
    if (path.empty() || path[0] != '/') return fail(quoted(path) + ": path is not absolute", err);
    sqfs_inode_generic_t* raw = nullptr;
    int ret = sqfs_dir_reader_find_by_path(dir_reader_.get(), nullptr, path.c_str(), &raw);
    LibInodePtr inode(raw);
    if (ret == SQFS_ERROR_NO_ENTRY || ret == SQFS_ERROR_NOT_DIR)
        return fail(quoted(path) + ": no such file in the image", err);
    if (ret != 0) return fail(quoted(path) + ": " + sqfs_error_text(ret), err);
    if (!is_file_inode(*inode)) return fail(quoted(path) + ": not a regular file", err);
    return read_content(*inode, path, data, err);
}

} // namespace

bool write_squashfs(const std::vector<ImageEntry>& entries, const std::string& out_path,
                    const SquashfsOptions& opt, std::string& err, SquashfsStats* stats) {
    if (!check_options(opt, out_path, err)) return false;
    // The tree is declared before the writer so that it outlives the block
    // processor, which holds pointers into the nodes.
    Tree tree;
    if (!build_tree(entries, out_path, tree, err)) return false;
    bool ok = false;
    bool created = false;
    {
        Writer w;
        w.image = out_path;
        ok = write_image(tree, opt, w, err);
        created = w.file != nullptr;
        if (stats && w.store) {
            stats->blocks_compressed = w.store->stats.compressed.load();
            stats->blocks_reused = w.store->stats.reused.load();
        }
    }                                                  // closes the output
    if (!ok && created) std::remove(out_path.c_str()); // leave no half-written image
    return ok;
}

std::string describe_stats(const SquashfsStats& stats) {
    return std::to_string(stats.blocks_compressed + stats.blocks_reused) +
           " blocks: " + std::to_string(stats.blocks_compressed) + " compressed, " +
           std::to_string(stats.blocks_reused) + " reused";
}

bool read_squashfs(const std::string& image_path, std::vector<ImageEntry>& out, std::string& err) {
    out.clear();
    ImageReader reader(image_path);
    if (reader.open(err) && reader.read_all(out, err)) return true;
    out.clear();
    return false;
}

bool read_squashfs_file(const std::string& image_path, const std::string& path, std::string& data,
                        std::string& err) {
    data.clear();
    ImageReader reader(image_path);
    if (reader.open(err) && reader.read_one(path, data, err)) return true;
    data.clear();
    return false;
}

} // namespace builder
