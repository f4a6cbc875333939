#include "init/actions/tree_copy.hpp"

#include "init/console/console.hpp"

#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/files.hpp"
#include "libseedboot/sys/io.hpp"
#include "libseedboot/sys/resolve.hpp"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace init {

using seedboot::Fd;

namespace {

constexpr int kMaxDepth = 256; // a tree deeper than this is refused, not followed down

// `path` (absolute) inside the folder `root_fd`: every symlink on the way is resolved
// as if root_fd were "/", so nothing outside it can be reached.
Fd open_in_root(int root_fd, const std::string& path, int flags) {
    std::string rel = path.size() <= 1 ? "." : path.substr(1);
    return seedboot::open_resolved(root_fd, rel.c_str(), flags, RESOLVE_IN_ROOT);
}

std::string base_name(const std::string& p) {
    std::string s = p;
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s.substr(s.rfind('/') + 1);
}

std::string parent_of(const std::string& p) {
    size_t slash = p.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
}

// mkdir -p inside the root; returns the folder, opened.
Fd make_dirs_in_root(int root_fd, const std::string& root, const std::string& path) {
    std::string prefix;
    Fd dir = open_in_root(root_fd, "/", O_DIRECTORY | O_RDONLY);
    size_t i = 1;
    while (dir.ok() && i < path.size()) {
        size_t end = path.find('/', i);
        if (end == std::string::npos) end = path.size();
        std::string name = path.substr(i, end - i);
        i = end + 1;
        if (name.empty()) continue;
        prefix += "/" + name;
        if (::mkdirat(dir.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
            fail_errno("mkdir " + root + prefix);
            return Fd();
        }
        // Resolved again from the root: the folder may be a symlink inside it.
        dir = open_in_root(root_fd, prefix, O_DIRECTORY | O_RDONLY);
        if (!dir.ok()) fail_errno("open folder " + root + prefix);
    }
    return dir;
}

struct Copier {
    int chmod;
    std::string dst_root;

    bool fail_at(const std::string& path, const std::string& what) {
        return fail_errno(what + " " + dst_root + path);
    }

    // Makes room for a new entry: anything but a folder that stands there goes.
    bool clear(int dir, const std::string& name, bool keep_dir, bool& is_dir,
               const std::string& path) {
        struct stat st {};
        is_dir = false;
        if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            return errno == ENOENT || fail_at(path, "stat");
        if (S_ISDIR(st.st_mode)) {
            is_dir = true;
            if (keep_dir) return true;
            errno = EISDIR;
            return fail_at(path, "replace a folder with a file at");
        }
        return ::unlinkat(dir, name.c_str(), 0) == 0 || fail_at(path, "remove");
    }

    void keep_times(int fd, const struct stat& st) {
        timespec t[2] = {st.st_atim, st.st_mtim};
        ::futimens(fd, t);
    }

    // In the kernel where it can (copy_file_range); between file systems of different
    // kinds (the root image's squashfs to the work partition's ext4) Linux 6.1 refuses
    // that with EXDEV, and the bytes go through a buffer.
    bool copy_bytes(int in, int out, off_t size, const std::string& path) {
        off_t left = size;
        bool in_kernel = true;
        while (left > 0 && in_kernel) {
            ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, static_cast<size_t>(left), 0);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && left == size && (errno == EXDEV || errno == EOPNOTSUPP || errno == ENOSYS))
                in_kernel = false;
            else if (n <= 0)
                return fail_at(path, n == 0 ? "short copy to" : "copy to");
            else
                left -= n;
        }
        static char buf[64 * 1024]; // the PID 1 copies one file at a time
        while (left > 0) {
            ssize_t n = ::read(in, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return fail_at(path, n == 0 ? "short copy to" : "read for");
            if (!seedboot::write_all(out, std::string_view(buf, static_cast<size_t>(n))))
                return fail_at(path, "copy to");
            left -= n;
        }
        return true;
    }

    // `in`: the source file, open for reading.
    bool file(const Fd& in, const struct stat& st, int ddir, const std::string& dname,
              const std::string& path) {
        bool is_dir = false;
        if (!clear(ddir, dname, false, is_dir, path)) return false;
        Fd out(::openat(ddir, dname.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        0600));
        if (!out.ok()) return fail_at(path, "create");
        if (!copy_bytes(in.get(), out.get(), st.st_size, path)) return false;
        mode_t mode = chmod >= 0 ? static_cast<mode_t>(chmod) : st.st_mode & 07777;
        if (::fchmod(out.get(), mode) != 0) return fail_at(path, "chmod");
        keep_times(out.get(), st);
        return true;
    }

    bool link(int sdir, const std::string& name, const struct stat& st, int ddir,
              const std::string& dname, const std::string& path) {
        if (st.st_size <= 0 || st.st_size > 4095) {
            errno = ENAMETOOLONG;
            return fail_at(path, "copy the symlink");
        }
        std::vector<char> target(static_cast<size_t>(st.st_size) + 1, '\0');
        ssize_t n = ::readlinkat(sdir, name.c_str(), target.data(), target.size() - 1);
        if (n != st.st_size) return fail_at(path, "read the symlink for");
        bool is_dir = false;
        if (!clear(ddir, dname, false, is_dir, path)) return false;
        if (::symlinkat(target.data(), ddir, dname.c_str()) != 0) return fail_at(path, "symlink");
        timespec t[2] = {st.st_atim, st.st_mtim};
        ::utimensat(ddir, dname.c_str(), t, AT_SYMLINK_NOFOLLOW);
        return true;
    }

    bool folder(int sdir, const std::string& name, const struct stat& st, int ddir,
                const std::string& dname, const std::string& path, int depth) {
        bool is_dir = false;
        if (!clear(ddir, dname, true, is_dir, path)) return false;
        if (!is_dir && ::mkdirat(ddir, dname.c_str(), 0700) != 0) return fail_at(path, "mkdir");
        Fd from(::openat(sdir, name.c_str(), O_DIRECTORY | O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        Fd to(::openat(ddir, dname.c_str(), O_DIRECTORY | O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!from.ok() || !to.ok()) return fail_at(path, "open the folder");
        if (!contents(from.get(), to.get(), path, depth + 1)) return false;
        mode_t mode = chmod >= 0 ? static_cast<mode_t>(chmod) : st.st_mode & 07777;
        if (::fchmod(to.get(), mode) != 0) return fail_at(path, "chmod");
        keep_times(to.get(), st);
        return true;
    }

    bool entry(int sdir, const std::string& name, int ddir, const std::string& dname,
               const std::string& path, int depth) {
        struct stat st {};
        if (::fstatat(sdir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            return fail_at(path, "stat the source of");
        if (S_ISREG(st.st_mode)) {
            Fd in(::openat(sdir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
            return in.ok() ? file(in, st, ddir, dname, path) : fail_at(path, "open the source of");
        }
        if (S_ISLNK(st.st_mode)) return link(sdir, name, st, ddir, dname, path);
        if (S_ISDIR(st.st_mode)) return folder(sdir, name, st, ddir, dname, path, depth);
        if (S_ISFIFO(st.st_mode)) {
            bool is_dir = false;
            return clear(ddir, dname, false, is_dir, path) &&
                   (::mkfifoat(ddir, dname.c_str(), st.st_mode & 0777) == 0 ||
                    fail_at(path, "mkfifo"));
        }
        errno = EPERM;
        return fail_at(path, "copy a socket or device node to");
    }

    // Every entry of the folder `sdir` into the folder `ddir`.
    bool contents(int sdir, int ddir, const std::string& path, int depth) {
        if (depth > kMaxDepth) {
            errno = ELOOP;
            return fail_at(path, "copy a tree deeper than 256 folders to");
        }
        std::vector<std::string> names;
        {
            seedboot::Listing d = seedboot::open_listing(sdir);
            if (!d) return fail_at(path, "list the source of");
            errno = 0;
            while (dirent* e = ::readdir(d.get())) {
                std::string n = e->d_name;
                if (n != "." && n != "..") names.push_back(n);
            }
            if (errno != 0) return fail_at(path, "list the source of");
        }
        for (const auto& n : names)
            if (!entry(sdir, n, ddir, n, path + "/" + n, depth)) return false;
        return true;
    }
};

} // namespace

[[nodiscard]] bool copy_into_root(const CopyRequest& req) {
    Fd sroot(::open(req.src_root.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    Fd droot(::open(req.dst_root.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!sroot.ok()) return fail_errno("open " + req.src_root);
    if (!droot.ok()) return fail_errno("open " + req.dst_root);
    Fd src(open_in_root(sroot.get(), req.src, O_PATH));
    struct stat st {};
    if (!src.ok() || ::fstat(src.get(), &st) != 0)
        return fail_errno("copy source " + req.src_root + req.src);
    Copier c{req.chmod, req.dst_root};
    if (S_ISDIR(st.st_mode)) {
        Fd from(open_in_root(sroot.get(), req.src, O_DIRECTORY | O_RDONLY));
        Fd to = make_dirs_in_root(droot.get(), req.dst_root, req.dst);
        if (!from.ok()) return fail_errno("open " + req.src_root + req.src);
        if (!to.ok()) return false;
        std::string path = req.dst.size() > 1 && req.dst.back() == '/'
                               ? req.dst.substr(0, req.dst.size() - 1)
                               : req.dst;
        return c.contents(from.get(), to.get(), path == "/" ? "" : path, 0);
    }
    // A file (a symlink given as the source is followed, inside its root, as COPY does).
    bool into = req.dst.back() == '/';
    std::string dir = into ? req.dst : parent_of(req.dst);
    std::string name = into ? base_name(req.src) : base_name(req.dst);
    Fd in(open_in_root(sroot.get(), req.src, O_RDONLY));
    Fd to = make_dirs_in_root(droot.get(), req.dst_root, dir);
    if (!in.ok() || ::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        if (!in.ok() || S_ISREG(st.st_mode)) return fail_errno("open " + req.src_root + req.src);
        return fail("copy source " + req.src_root + req.src + ": not a file or a folder");
    }
    if (!to.ok()) return false;
    std::string folder = dir.size() > 1 && dir.back() == '/' ? dir.substr(0, dir.size() - 1) : dir;
    return c.file(in, st, to.get(), name, (folder == "/" ? "" : folder) + "/" + name);
}

} // namespace init
