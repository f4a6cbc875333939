#include "work_fs.hpp"

#include "gpt.hpp"
#include "sparse_copy.hpp"
#include "subprocess.hpp"

#include <ext2fs/ext2fs.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace builder {

namespace {

constexpr const char* kPartitionName = "seedboot-work";
constexpr size_t kCopyChunk = 1 << 20;
constexpr int kMaxLinks = 40; // symlinks followed in one lookup, as Linux's MAXSYMLINKS

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

// An open ext2 file, closed at scope exit.
struct Ext2File {
    ext2_file_t file = nullptr;
    ~Ext2File() {
        if (file) ext2fs_file_close(file);
    }
};

// A temporary file that is removed unless release()d.
struct TempFile {
    std::string path;
    ~TempFile() {
        if (!path.empty()) ::unlink(path.c_str());
    }
    std::string release() { return std::exchange(path, ""); }
};

std::string sys_error(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

// libext2fs reports errcode_t values that com_err only turns into text once the table is
// registered; without it messages read "Unknown code ext2 13".
std::string ext2_error(errcode_t rc) {
    static std::once_flag once;
    std::call_once(once, [] { initialize_ext2_error_table(); });
    return error_message(rc);
}

bool pwrite_full(int fd, const char* buf, size_t len, uint64_t at) {
    for (size_t done = 0; done < len;) {
        ssize_t n = ::pwrite(fd, buf + done, len - done, static_cast<off_t>(at + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Finding the file system inside the image

// Where the work file system's bytes are in the image file.
struct Location {
    uint64_t offset = 0;
    uint64_t size = 0; // of the partition, or of the whole file for a bare image
};

bool bytes_at(int fd, uint64_t at, const char* expected, size_t len) {
    char buf[16];
    size_t got = 0;
    return pread_full(fd, buf, len, at, got) && got == len && std::memcmp(buf, expected, len) == 0;
}

// "EFI PART" at LBA 1: the image means to be a GPT disk, so the GPT reader's complaint (say,
// a truncated disk) is the one worth showing.
bool claims_gpt(int fd) {
    return bytes_at(fd, 512, "EFI PART", 8);
}

// s_magic, 0xEF53 little-endian, at byte 56 of the superblock that starts at byte 1024.
bool has_ext4_magic(int fd) {
    return bytes_at(fd, 1080, "\x53\xEF", 2);
}

bool locate_work_fs(const std::string& image, Location& loc, std::string& err) {
    Fd fd(::open(image.c_str(), O_RDONLY | O_CLOEXEC));
    off_t end = fd.fd < 0 ? -1 : ::lseek(fd.fd, 0, SEEK_END); // st_size is 0 for devices
    if (end < 0) {
        err = sys_error(image + ": cannot open the image");
        return false;
    }
    DiskInfo disk;
    std::string gpt_err;
    if (read_gpt_disk(image, disk, gpt_err)) {
        PartitionInfo part;
        if (!find_partition(image, kPartitionName, part, err)) return false;
        loc = {part.offset(), part.size()};
        return true;
    }
    if (claims_gpt(fd.fd)) {
        err = gpt_err;
        return false;
    }
    if (has_ext4_magic(fd.fd)) {
        loc = {0, static_cast<uint64_t>(end)};
        return true;
    }
    err = image + ": neither a GPT disk with a " + kPartitionName +
          " partition nor an ext4 image (no GPT header at byte 512, no ext4 magic 0xEF53 at "
          "byte 1080)";
    return false;
}

// ---------------------------------------------------------------------------------------------
// Opening, and replaying the journal on a copy

// `file` is what is opened (the image or the replayed copy); `image` names it in errors.
bool open_ext2(const std::string& file, uint64_t offset, const std::string& image, ext2_filsys& out,
               std::string& err) {
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
bool check_fits(ext2_filsys fs, const Location& loc, const std::string& image, std::string& err) {
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
bool copy_sparse(const std::string& image, uint64_t offset, uint64_t len, int out_fd,
                 const std::string& out_path, std::string& err) {
    if (!copy_range_sparse(image, offset, len, out_fd, 0, out_path, err)) return false;
    if (::ftruncate(out_fd, static_cast<off_t>(len)) != 0) {
        err = sys_error(out_path + ": sizing the copy of " + image);
        return false;
    }
    return true;
}

bool needs_recovery(ext2_filsys fs) {
    return ext2fs_has_feature_journal_needs_recovery(fs->super);
}

// libext2fs cannot replay a journal on a read-only file system, and the user's image must not
// change: the file system is copied to $TMPDIR and e2fsck replays the journal there. Without
// -f, "-E journal_only" stops after the replay; with it e2fsck runs all five passes.
bool replay_copy(const std::string& image, uint64_t offset, uint64_t len, TempFile& copy,
                 std::string& err) {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/seedboot-work-XXXXXX";
    Fd out(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (out.fd < 0) {
        err = sys_error(image + ": journal needs recovery; cannot create a temporary copy " + tmpl);
        return false;
    }
    copy.path = tmpl;
    if (!copy_sparse(image, offset, len, out.fd, copy.path, err)) return false;
    std::string fsck_err;
    bool ran =
        run_program({sbin_program("e2fsck"), "-y", "-E", "journal_only", copy.path}, {}, fsck_err);
    // e2fsck exits 1 when it also fixed something (a superblock time in the future, say)
    // after a good replay: what counts is whether the copy still needs recovery.
    ext2_filsys fs = nullptr;
    std::string open_err;
    bool clean = open_ext2(copy.path, 0, image, fs, open_err) && !needs_recovery(fs);
    if (fs) ext2fs_close_free(&fs);
    if (clean) return true;
    std::string why = !ran                ? fsck_err
                      : !open_err.empty() ? open_err
                                          : "it exited 0 but the journal was still not replayed";
    err = image + ": journal needs recovery and e2fsck could not replay it: " + why;
    return false;
}

// ---------------------------------------------------------------------------------------------
// Reading

bool check_absolute(const WorkFs& fs, const std::string& path, std::string& err) {
    if (!path.empty() && path[0] == '/') return true;
    err = fs.image() + ": '" + path + "': expected an absolute path inside the work file system";
    return false;
}

bool read_inode(WorkFs& fs, ext2_ino_t ino, const std::string& path, ext2_inode& inode,
                std::string& err) {
    errcode_t rc = ext2fs_read_inode(fs.handle(), ino, &inode);
    if (rc == 0) return true;
    err =
        fs.image() + ": " + path + ": reading inode " + std::to_string(ino) + ": " + ext2_error(rc);
    return false;
}

// Feeds the contents of inode `ino` (`size` bytes) to `sink` in chunks.
template <typename Sink>
bool stream_file(WorkFs& fs, ext2_ino_t ino, uint64_t size, const std::string& path, Sink sink,
                 std::string& err) {
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

char type_of(uint16_t mode) {
    if (LINUX_S_ISREG(mode)) return 'f';
    if (LINUX_S_ISDIR(mode)) return 'd';
    if (LINUX_S_ISLNK(mode)) return 'l';
    if (LINUX_S_ISCHR(mode)) return 'c';
    if (LINUX_S_ISBLK(mode)) return 'b';
    if (LINUX_S_ISFIFO(mode)) return 'p';
    return 's';
}

// The most bytes a symlink's target may have: one block, or for an inline-data symlink what the
// inode holds (its 60 bytes of block pointers plus the "system.data" attribute). A larger i_size
// is corruption, and the kernel would refuse the link too.
bool link_target_limit(WorkFs& fs, ext2_ino_t ino, const ext2_inode& inode, const std::string& path,
                       uint64_t& limit, const char*& what, std::string& err) {
    limit = fs.handle()->blocksize;
    what = "one block";
    if (!(inode.i_flags & EXT4_INLINE_DATA_FL)) return true;
    size_t inline_size = 0;
    errcode_t rc = ext2fs_inline_data_size(fs.handle(), ino, &inline_size);
    if (rc != 0) {
        err = fs.image() + ": " + path + ": reading the size of its inline data: " + ext2_error(rc);
        return false;
    }
    limit = std::min<uint64_t>(limit, inline_size);
    what = "its inline data";
    return true;
}

// Reads a symlink's target ourselves, never trusting i_size past what the link can hold:
// libext2fs's own follow_link (ext2fs_namei, ext2fs_namei_follow) reads one block but parses
// i_size bytes of it, an over-read on a corrupt image (tests/fuzz/regressions/work_fs/).
bool read_link(WorkFs& fs, ext2_ino_t ino, ext2_inode& inode, const std::string& path,
               std::string& target, std::string& err) {
    uint64_t size = EXT2_I_SIZE(&inode), limit = 0;
    const char* what = "";
    if (!link_target_limit(fs, ino, inode, path, limit, what, err)) return false;
    if (size == 0 || size > limit) {
        err = fs.image() + ": " + path + ": symlink target of " + std::to_string(size) +
              " bytes (expected 1.." + std::to_string(limit) + ", at most " + what +
              "; corrupt file system?)";
        return false;
    }
    // A short target is stored in the inode's block pointers, not in a data block.
    if (ext2fs_is_fast_symlink(&inode)) {
        const char* inline_target = reinterpret_cast<const char*>(inode.i_block);
        target.assign(inline_target, strnlen(inline_target, std::min<uint64_t>(size, 60)));
        return true;
    }
    target.clear();
    auto append = [&target](const char* data, size_t n, std::string&) {
        target.append(data, n);
        return true;
    };
    return stream_file(fs, ino, size, path, append, err);
}

std::string join(const std::string& dir, const std::string& name) {
    return dir == "/" ? "/" + name : dir + "/" + name;
}

// Resolves an absolute path one component at a time (ext2fs_lookup in each directory). The
// symlinks met on the way, and the last component's when `follow`, are read by read_link and
// resolved in turn: relative to the directory holding the link, or to the root when absolute.
// Errors name `path`, then the link or directory at fault when that is another one.
bool lookup(WorkFs& fs, const std::string& path, bool follow, ext2_ino_t& ino, std::string& err) {
    if (!check_absolute(fs, path, err)) return false;
    std::string at = "/"; // the path walked so far, symlinks resolved
    auto who = [&path, &at] { return at == path ? path : path + ": " + at; };
    auto fail = [&](const std::string& what) {
        err = fs.image() + ": " + who() + ": " + what;
        return false;
    };
    std::vector<std::string> todo; // the components still to walk, the next one last
    auto push_components = [&todo](const std::string& p) {
        std::vector<std::string> parts;
        for (size_t start = 0; start < p.size();) {
            size_t end = std::min(p.find('/', start), p.size());
            if (end > start) parts.push_back(p.substr(start, end - start));
            start = end + 1;
        }
        todo.insert(todo.end(), parts.rbegin(), parts.rend());
    };
    push_components(path);
    ext2_ino_t dir = EXT2_ROOT_INO;
    int links = 0;
    while (!todo.empty()) {
        std::string name = std::move(todo.back());
        todo.pop_back();
        if (name == ".") continue;
        ext2_ino_t child = 0;
        errcode_t rc = ext2fs_lookup(fs.handle(), dir, name.c_str(), static_cast<int>(name.size()),
                                     nullptr, &child);
        if (rc == EXT2_ET_NO_DIRECTORY)
            return fail("not a directory (expected one, to look up '" + name + "' in)");
        if (rc != 0 && rc != EXT2_ET_FILE_NOT_FOUND)
            return fail("looking up '" + name + "': " + ext2_error(rc));
        std::string parent = at;
        at = name == ".." ? std::filesystem::path(at).parent_path().string() : join(at, name);
        if (rc == EXT2_ET_FILE_NOT_FOUND) return fail("no such file in the work file system");
        ext2_inode inode;
        if ((rc = ext2fs_read_inode(fs.handle(), child, &inode)) != 0)
            return fail("reading inode " + std::to_string(child) + ": " + ext2_error(rc));
        if (!LINUX_S_ISLNK(inode.i_mode) || (todo.empty() && !follow)) {
            dir = child;
            continue;
        }
        if (++links > kMaxLinks)
            return fail("more than " + std::to_string(kMaxLinks) +
                        " symlinks to follow (expected fewer; a symlink loop?)");
        std::string target;
        if (!read_link(fs, child, inode, who(), target, err)) return false;
        if (target.empty()) return fail("symlink with an empty target (expected a path)");
        if (target[0] == '/') dir = EXT2_ROOT_INO;
        at = target[0] == '/' ? "/" : parent;
        push_components(target);
    }
    ino = dir;
    return true;
}

// A name that could step outside the directory when the tree is extracted is corruption.
bool check_name(WorkFs& fs, const std::string& dir, const std::string& name, std::string& err) {
    bool bad = name.empty() || name == "." || name == ".." ||
               name.find_first_of(std::string("/\0", 2)) != std::string::npos;
    if (bad)
        err = fs.image() + ": " + dir + ": directory entry named '" + name +
              "' (expected a plain file name; corrupt directory?)";
    return !bad;
}

struct Child {
    std::string name;
    ext2_ino_t ino;
};

int collect_child(ext2_ino_t, int entry, ext2_dir_entry* dirent, int, int, char*, void* priv) {
    if (entry == DIRENT_DOT_FILE || entry == DIRENT_DOT_DOT_FILE) return 0;
    auto* children = static_cast<std::vector<Child>*>(priv);
    children->push_back({std::string(dirent->name, ext2fs_dirent_name_len(dirent)), dirent->inode});
    return 0;
}

bool list_dir(WorkFs& fs, ext2_ino_t dir_ino, const std::string& dir, std::set<ext2_ino_t>& visited,
              std::vector<WorkFsEntry>& out, std::string& err) {
    std::vector<Child> children;
    errcode_t rc = ext2fs_dir_iterate2(fs.handle(), dir_ino, 0, nullptr, collect_child, &children);
    if (rc != 0) {
        err = fs.image() + ": " + dir + ": reading the directory: " + ext2_error(rc);
        return false;
    }
    for (const Child& c : children) {
        ext2_inode inode;
        WorkFsEntry e;
        e.path = join(dir, c.name);
        if (!check_name(fs, dir, c.name, err) || !read_inode(fs, c.ino, e.path, inode, err))
            return false;
        e.type = type_of(inode.i_mode);
        e.mode = inode.i_mode & 07777;
        e.size = EXT2_I_SIZE(&inode);
        if (e.type == 'l' && !read_link(fs, c.ino, inode, e.path, e.link_target, err)) return false;
        out.push_back(e);
        if (e.type != 'd') continue;
        // Directories cannot be hard-linked, so meeting one twice means a loop in a corrupt
        // file system, which would otherwise recurse forever.
        if (!visited.insert(c.ino).second) {
            err = fs.image() + ": " + e.path + ": directory inode " + std::to_string(c.ino) +
                  " reached twice (corrupt file system?)";
            return false;
        }
        if (!list_dir(fs, c.ino, e.path, visited, out, err)) return false;
    }
    return true;
}

std::string strip_trailing_slashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

// ---------------------------------------------------------------------------------------------
// Extracting

// Clears the way for a new file or symlink at `host`, or checks a directory may stay.
bool prepare_host_path(const std::string& host, bool want_dir, std::string& err) {
    struct stat st {};
    if (::lstat(host.c_str(), &st) != 0) return true;
    if (S_ISDIR(st.st_mode)) {
        if (want_dir) return true;
        err = host + ": is a directory on the host (expected nothing, or a file to replace)";
        return false;
    }
    if (::unlink(host.c_str()) == 0) return true;
    err = sys_error(host + ": removing the old copy");
    return false;
}

bool extract_file(WorkFs& fs, const std::string& path, const WorkFsEntry& e,
                  const std::string& host, std::string& err) {
    ext2_ino_t ino = 0;
    if (!lookup(fs, path, false, ino, err)) return false;
    mode_t mode = 0644 | (e.mode & 0111);
    Fd out(::open(host.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    // fchmod: the umask must not take away the exec bits that make a built tool runnable.
    if (out.fd < 0 || ::fchmod(out.fd, mode) != 0) {
        err = sys_error(host + ": creating the copy of " + path);
        return false;
    }
    uint64_t at = 0;
    auto write = [&](const char* data, size_t n, std::string& werr) {
        if (!pwrite_full(out.fd, data, n, at)) {
            werr = sys_error(host + ": writing");
            return false;
        }
        at += n;
        return true;
    };
    return stream_file(fs, ino, e.size, path, write, err);
}

bool extract_entry(WorkFs& fs, const WorkFsEntry& e, const std::string& host, std::string& err) {
    switch (e.type) {
    case 'd':
        if (!prepare_host_path(host, true, err)) return false;
        if (::mkdir(host.c_str(), 0755) == 0 || errno == EEXIST) return true;
        err = sys_error(host + ": creating the directory");
        return false;
    case 'f':
        return prepare_host_path(host, false, err) && extract_file(fs, e.path, e, host, err);
    case 'l':
        if (!prepare_host_path(host, false, err)) return false;
        if (::symlink(e.link_target.c_str(), host.c_str()) == 0) return true;
        err = sys_error(host + ": creating the symlink to " + e.link_target);
        return false;
    default:
        return true; // devices, fifos and sockets: nothing to extract
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Public interface

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
        temp_copy_ = std::exchange(other.temp_copy_, "");
    }
    return *this;
}

void WorkFs::close() {
    if (fs_) ext2fs_close_free(&fs_);
    fs_ = nullptr;
    if (!temp_copy_.empty()) ::unlink(temp_copy_.c_str());
    temp_copy_.clear();
}

bool open_work_fs(const std::string& image, WorkFs& out, std::string& err) {
    Location loc;
    if (!locate_work_fs(image, loc, err)) return false;
    WorkFs wfs;
    wfs.image_ = image;
    if (!open_ext2(image, loc.offset, image, wfs.fs_, err) || !check_fits(wfs.fs_, loc, image, err))
        return false;
    if (needs_recovery(wfs.fs_)) {
        uint64_t len = fs_bytes(wfs.fs_);
        wfs.close();
        TempFile copy;
        if (!replay_copy(image, loc.offset, len, copy, err) ||
            !open_ext2(copy.path, 0, image, wfs.fs_, err))
            return false;
        wfs.temp_copy_ = copy.release();
        wfs.recovered = true;
    }
    out = std::move(wfs);
    return true;
}

bool read_work_file(WorkFs& fs, const std::string& path, std::string& data, std::string& err,
                    uint64_t limit) {
    ext2_ino_t ino = 0;
    ext2_inode inode;
    if (!lookup(fs, path, true, ino, err) || !read_inode(fs, ino, path, inode, err)) return false;
    if (!LINUX_S_ISREG(inode.i_mode)) {
        err = fs.image() + ": " + path + ": is a " +
              (LINUX_S_ISDIR(inode.i_mode) ? "directory" : "special file") +
              " (expected a regular file)";
        return false;
    }
    uint64_t size = EXT2_I_SIZE(&inode);
    if (size > limit) {
        err = fs.image() + ": " + path + ": " + std::to_string(size) + " bytes (expected at most " +
              std::to_string(limit) + ")";
        return false;
    }
    std::string content;
    content.reserve(size);
    auto append = [&content](const char* d, size_t n, std::string&) {
        content.append(d, n);
        return true;
    };
    if (!stream_file(fs, ino, size, path, append, err)) return false;
    data = std::move(content);
    return true;
}

bool list_work_tree(WorkFs& fs, const std::string& dir, std::vector<WorkFsEntry>& out,
                    std::string& err) {
    std::string base = strip_trailing_slashes(dir);
    ext2_ino_t ino = 0;
    ext2_inode inode;
    if (!lookup(fs, base, true, ino, err) || !read_inode(fs, ino, base, inode, err)) return false;
    if (!LINUX_S_ISDIR(inode.i_mode)) {
        err = fs.image() + ": " + base + ": not a directory";
        return false;
    }
    std::vector<WorkFsEntry> entries;
    std::set<ext2_ino_t> visited{ino};
    if (!list_dir(fs, ino, base, visited, entries, err)) return false;
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    // Two entries with one name (a corrupt directory) could make extraction write through a
    // symlink it had just created.
    for (size_t i = 1; i < entries.size(); i++) {
        if (entries[i].path == entries[i - 1].path) {
            err = fs.image() + ": " + entries[i].path +
                  ": listed twice in its directory (corrupt file system?)";
            return false;
        }
    }
    out = std::move(entries);
    return true;
}

bool extract_work_tree(WorkFs& fs, const std::string& dir, const std::string& dest,
                       std::string& err) {
    std::string base = strip_trailing_slashes(dir);
    std::vector<WorkFsEntry> entries;
    if (!list_work_tree(fs, base, entries, err)) return false;
    std::error_code ec;
    std::filesystem::create_directories(dest, ec);
    if (ec) {
        err = dest + ": cannot create the destination folder: " + ec.message();
        return false;
    }
    size_t prefix = base == "/" ? 1 : base.size() + 1;
    // Sorted by path, so every directory is made before what goes into it.
    for (const WorkFsEntry& e : entries) {
        if (!extract_entry(fs, e, dest + "/" + e.path.substr(prefix), err)) return false;
    }
    return true;
}

} // namespace builder

namespace builder {

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
