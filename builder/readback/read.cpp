// Reading the work file system: paths, files and listings; see work_fs.hpp.
#include "ext2.hpp"

#include <filesystem>
#include <set>
#include <vector>

namespace builder {

namespace work_fs {

namespace {

constexpr int kMaxLinks = 40; // symlinks followed in one lookup, as Linux's MAXSYMLINKS

[[nodiscard]] bool check_absolute(const WorkFs& fs, const std::string& path, std::string& err) {
    if (!path.empty() && path[0] == '/') return true;
    err = fs.image() + ": '" + path + "': expected an absolute path inside the work file system";
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
[[nodiscard]] bool link_target_limit(WorkFs& fs, ext2_ino_t ino, const ext2_inode& inode,
                                     const std::string& path, uint64_t& limit, const char*& what,
                                     std::string& err) {
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
[[nodiscard]] bool read_link(WorkFs& fs, ext2_ino_t ino, ext2_inode& inode, const std::string& path,
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

// A name that could step outside the directory when the tree is extracted is corruption.
[[nodiscard]] bool check_name(WorkFs& fs, const std::string& dir, const std::string& name,
                              std::string& err) {
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

// ext4 keeps a device's numbers in i_block: the old 8:8 encoding in the first word, or the
// new one (as the kernel's new_encode_dev) in the second.
void device_numbers(const ext2_inode& inode, WorkFsEntry& e) {
    uint32_t old = inode.i_block[0], dev = inode.i_block[1];
    if (old) {
        e.rdev_major = (old >> 8) & 0xff;
        e.rdev_minor = old & 0xff;
    } else {
        e.rdev_major = (dev >> 8) & 0xfff;
        e.rdev_minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
    }
}

// Overlayfs's mark of a folder that hides the layers below it.
[[nodiscard]] bool read_opaque(WorkFs& fs, ext2_ino_t ino, WorkFsEntry& e, std::string& err) {
    ext2_xattr_handle* h = nullptr;
    errcode_t rc = ext2fs_xattrs_open(fs.handle(), ino, &h);
    if (rc == 0) rc = ext2fs_xattrs_read(h);
    void* value = nullptr;
    size_t len = 0;
    if (rc == 0 && ext2fs_xattr_get(h, "trusted.overlay.opaque", &value, &len) == 0) {
        e.opaque = len == 1 && static_cast<const char*>(value)[0] == 'y';
        ext2fs_free_mem(&value);
    }
    if (h) ext2fs_xattrs_close(&h);
    if (rc == 0 || rc == EXT2_ET_EA_KEY_NOT_FOUND) return true;
    err = fs.image() + ": " + e.path + ": reading its extended attributes: " + ext2_error(rc);
    return false;
}

[[nodiscard]] bool list_dir(WorkFs& fs, ext2_ino_t dir_ino, const std::string& dir,
                            std::set<ext2_ino_t>& visited, std::vector<WorkFsEntry>& out,
                            std::string& err) {
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
        e.uid = inode_uid(inode);
        e.gid = inode_gid(inode);
        e.mtime = static_cast<int32_t>(inode.i_mtime);
        e.ino = c.ino;
        e.nlink = inode.i_links_count;
        if (e.type == 'c' || e.type == 'b') device_numbers(inode, e);
        if (e.type == 'd' && !read_opaque(fs, c.ino, e, err)) return false;
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

} // namespace

[[nodiscard]] bool read_inode(WorkFs& fs, ext2_ino_t ino, const std::string& path,
                              ext2_inode& inode, std::string& err) {
    errcode_t rc = ext2fs_read_inode(fs.handle(), ino, &inode);
    if (rc == 0) return true;
    err =
        fs.image() + ": " + path + ": reading inode " + std::to_string(ino) + ": " + ext2_error(rc);
    return false;
}

// Resolves an absolute path one component at a time (ext2fs_lookup in each directory). The
// symlinks met on the way, and the last component's when `follow`, are read by read_link and
// resolved in turn: relative to the directory holding the link, or to the root when absolute.
// Errors name `path`, then the link or directory at fault when that is another one.
[[nodiscard]] bool lookup(WorkFs& fs, const std::string& path, bool follow, ext2_ino_t& ino,
                          std::string& err) {
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

std::string strip_trailing_slashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

} // namespace work_fs

using namespace work_fs;

[[nodiscard]] bool read_work_file(WorkFs& fs, const std::string& path, std::string& data,
                                  std::string& err, uint64_t limit) {
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

[[nodiscard]] bool list_work_tree(WorkFs& fs, const std::string& dir, std::vector<WorkFsEntry>& out,
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

} // namespace builder
