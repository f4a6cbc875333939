#include "init/layers/layer_copy.hpp"

#include "init/console/console.hpp"

#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/files.hpp"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <memory>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utility>

namespace init {

using seedboot::Fd;

namespace {

constexpr int kMaxDepth = 1024;
constexpr const char* kOpaque = "trusted.overlay.opaque";

struct Copier {
    std::string from, to;
    CopyCount& count;
    // Files with more than one link, by (device, inode): the copy's path of the first.
    std::map<std::pair<dev_t, ino_t>, std::string> linked;

    bool fail_at(const std::string& path, const std::string& what) {
        return fail_errno("copy " + from + path + " to " + to + ": " + what);
    }

    // Owner, mode and times, in that order: chown clears set-id bits, and the times last.
    bool finish(int dir, const char* name, const struct stat& st, const std::string& path) {
        bool link = S_ISLNK(st.st_mode);
        if (::fchownat(dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0)
            return fail_at(path, "chown");
        if (!link && ::fchmodat(dir, name, st.st_mode & 07777, 0) != 0)
            return fail_at(path, "chmod");
        timespec times[2] = {st.st_atim, st.st_mtim};
        if (::utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW) != 0)
            return fail_at(path, "set the times of");
        return true;
    }

    bool file(int sdir, int ddir, const char* name, const struct stat& st,
              const std::string& path) {
        if (st.st_nlink > 1) {
            auto [it, fresh] = linked.try_emplace({st.st_dev, st.st_ino}, path);
            if (!fresh) {
                if (::linkat(AT_FDCWD, (to + it->second).c_str(), ddir, name, 0) != 0)
                    return fail_at(path, "hard link");
                return true;
            }
        }
        Fd in(::openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        Fd out(::openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!in.ok() || !out.ok()) return fail_at(path, "open");
        for (off_t left = st.st_size; left > 0;) {
            ssize_t n = ::sendfile(out.get(), in.get(), nullptr, static_cast<size_t>(left));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return fail_at(path, n == 0 ? "it shrank while copied:" : "write");
            left -= n;
            count.bytes += static_cast<uint64_t>(n);
        }
        if (!out.close()) return fail_at(path, "close");
        return finish(ddir, name, st, path);
    }

    bool symlink(int sdir, int ddir, const char* name, const struct stat& st,
                 const std::string& path) {
        char target[4096];
        ssize_t n = ::readlinkat(sdir, name, target, sizeof target - 1);
        if (n < 0) return fail_at(path, "readlink");
        target[n] = '\0';
        if (::symlinkat(target, ddir, name) != 0) return fail_at(path, "symlink");
        return finish(ddir, name, st, path);
    }

    bool folder(int sdir, int ddir, const char* name, const struct stat& st,
                const std::string& path, int depth) {
        Fd src(::openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!src.ok()) return fail_at(path, "open folder");
        if (::mkdirat(ddir, name, 0700) != 0) return fail_at(path, "mkdir");
        Fd dst(::openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dst.ok()) return fail_at(path, "open new folder");
        char v[4] = {};
        ssize_t n = ::fgetxattr(src.get(), kOpaque, v, sizeof v);
        if (n == 1 && v[0] == 'y' && ::fsetxattr(dst.get(), kOpaque, "y", 1, 0) != 0)
            return fail_at(path, "mark opaque");
        if (!walk(src.get(), dst.get(), path, depth + 1)) return false;
        return finish(ddir, name, st, path);
    }

    bool entry(int sdir, int ddir, const char* name, const std::string& path, int depth) {
        struct stat st {};
        if (::fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return fail_at(path, "stat");
        ++count.entries;
        switch (st.st_mode & S_IFMT) {
        case S_IFREG:
            return file(sdir, ddir, name, st, path);
        case S_IFLNK:
            return symlink(sdir, ddir, name, st, path);
        case S_IFDIR:
            return folder(sdir, ddir, name, st, path, depth);
        case S_IFCHR: // whiteouts only: a layer holds no other device
            if (st.st_rdev != 0) {
                errno = EPERM;
                return fail_at(path, "a device node that is not a whiteout:");
            }
            [[fallthrough]];
        case S_IFIFO:
        case S_IFSOCK:
            if (::mknodat(ddir, name, st.st_mode & S_IFMT, st.st_rdev) != 0)
                return fail_at(path, "mknod");
            return finish(ddir, name, st, path);
        default:
            errno = EPERM;
            return fail_at(path, "a block device:");
        }
    }

    bool walk(int sdir, int ddir, const std::string& path, int depth) {
        if (depth > kMaxDepth) {
            errno = ELOOP;
            return fail_at(path, "more than 1024 folders deep:");
        }
        seedboot::Listing d = seedboot::open_listing(sdir);
        if (!d) return fail_at(path, "list");
        errno = 0;
        while (dirent* de = ::readdir(d.get())) {
            std::string name = de->d_name;
            if (name == "." || name == "..") continue;
            if (!entry(sdir, ddir, de->d_name, path + "/" + name, depth)) return false;
            errno = 0;
        }
        return errno == 0 || fail_at(path, "list");
    }
};

} // namespace

[[nodiscard]] bool copy_layer(const std::string& from, const std::string& to, CopyCount& count) {
    Fd src(::open(from.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    Fd dst(::open(to.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!src.ok()) return fail_errno("open " + from);
    if (!dst.ok()) return fail_errno("open " + to);
    Copier c{from, to, count, {}};
    if (!c.walk(src.get(), dst.get(), "", 0)) return false;
    // The top folder's own owner, mode and times, as for every folder below it.
    struct stat st {};
    if (::fstat(src.get(), &st) != 0) return fail_errno("stat " + from);
    timespec times[2] = {st.st_atim, st.st_mtim};
    if (::fchown(dst.get(), st.st_uid, st.st_gid) != 0 ||
        ::fchmod(dst.get(), st.st_mode & 07777) != 0 || ::futimens(dst.get(), times) != 0)
        return fail_errno("set the owner, mode and times of " + to);
    return true;
}

} // namespace init
