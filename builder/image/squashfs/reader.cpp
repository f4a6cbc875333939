// The squashfs reader on libsquashfs; see squashfs.hpp.
#include "squashfs.hpp"

#include "sqfs.hpp"

#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/le.hpp"

#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/id_table.h>
#include <sqfs/io.h>

#include <sys/stat.h>

#include <algorithm>
#include <set>

namespace builder {

namespace {

using namespace squashfs;

constexpr unsigned kMaxDepth = 1024; // deeper than any sane tree; stops stack overflows

[[nodiscard]] bool is_dir_inode(const sqfs_inode_generic_t& i) {
    return i.base.type == SQFS_INODE_DIR || i.base.type == SQFS_INODE_EXT_DIR;
}
[[nodiscard]] bool is_file_inode(const sqfs_inode_generic_t& i) {
    return i.base.type == SQFS_INODE_FILE || i.base.type == SQFS_INODE_EXT_FILE;
}
[[nodiscard]] bool is_symlink_inode(const sqfs_inode_generic_t& i) {
    return i.base.type == SQFS_INODE_SLINK || i.base.type == SQFS_INODE_EXT_SLINK;
}

// One open image. Not copyable or movable: the directory reader keeps a pointer
// to super_, and every reader keeps pointers to file_ and cmp_. Members are
// destroyed in reverse order, readers first.
class ImageReader {
  public:
    // size_limit: the largest image accepted (checking the structure needs no limit).
    explicit ImageReader(std::string path, uint64_t size_limit = kMaxReadImageBytes)
        : path_(std::move(path)), size_limit_(size_limit) {}
    ImageReader(const ImageReader&) = delete;
    ImageReader& operator=(const ImageReader&) = delete;

    bool open(std::string& err) {
        return open_file(err) && read_superblock(err) && check_layout(err) && create_readers(err);
    }
    bool read_all(std::vector<ImageEntry>& out, std::string& err);
    bool read_one(const std::string& path, std::string& data, std::string& err);
    bool check_size(std::string& err) const;
    bool check_root(std::string& err);

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
    uint64_t size_limit_;
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
    if (::stat(path_.c_str(), &st) != 0) return fail(seedboot::sys_error("cannot open"), err);
    if (!S_ISREG(st.st_mode)) return fail("not a regular file", err);
    file_size_ = uint64_t(st.st_size);
    if (file_size_ > size_limit_)
        return fail("image is " + std::to_string(file_size_) +
                        " bytes, larger than the 1 GiB this reader accepts",
                    err);
    file_.reset(sqfs_open_file(path_.c_str(), SQFS_FILE_OPEN_READ_ONLY));
    if (!file_) return fail(seedboot::sys_error("cannot open"), err);
    return true;
}

bool ImageReader::read_superblock(std::string& err) {
    // Check the magic ourselves first, so that a short or foreign file says so.
    unsigned char b[4] = {};
    if (file_size_ < sizeof(b) || file_->read_at(file_.get(), 0, b, sizeof(b)) != 0)
        return fail("not a squashfs image (bad magic)", err);
    if (seedboot::get_le32(b) != uint32_t{SQFS_MAGIC}) // little endian on disk
        return fail("not a squashfs image (bad magic)", err);
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

// mksquashfs and write_squashfs pad an image to a multiple of 4 KiB: more than that
// beyond bytes_used is not the image the superblock describes.
bool ImageReader::check_size(std::string& err) const {
    uint64_t padded = (super_.bytes_used + 4095) / 4096 * 4096;
    if (file_size_ == super_.bytes_used || file_size_ == padded) return true;
    return fail("the file has " + std::to_string(file_size_) + " bytes, the superblock says " +
                    std::to_string(super_.bytes_used) + " (expected that size, or it padded to " +
                    std::to_string(padded) + ")",
                err);
}

bool ImageReader::check_root(std::string& err) {
    sqfs_inode_generic_t* raw = nullptr;
    int ret = sqfs_dir_reader_get_root_inode(dir_reader_.get(), &raw);
    LibInodePtr root(raw);
    if (ret != 0) return fail("root inode: " + sqfs_error_text(ret), err);
    if (!is_dir_inode(*root)) return fail("the root inode is not a directory", err);
    std::vector<Child> children;
    return list_dir(*root, "/", children, err);
}

} // namespace

[[nodiscard]] bool check_squashfs(const std::string& image_path, std::string& err) {
    ImageReader reader(image_path, UINT64_MAX);
    return reader.open(err) && reader.check_size(err) && reader.check_root(err);
}

[[nodiscard]] bool read_squashfs(const std::string& image_path, std::vector<ImageEntry>& out,
                                 std::string& err) {
    out.clear();
    ImageReader reader(image_path);
    if (reader.open(err) && reader.read_all(out, err)) return true;
    out.clear();
    return false;
}

[[nodiscard]] bool read_squashfs_file(const std::string& image_path, const std::string& path,
                                      std::string& data, std::string& err) {
    data.clear();
    ImageReader reader(image_path);
    if (reader.open(err) && reader.read_one(path, data, err)) return true;
    data.clear();
    return false;
}

} // namespace builder
