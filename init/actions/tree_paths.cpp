#include "init/actions/tree_paths.hpp"

#include "init/console/console.hpp"

#include "libseedboot/sys/files.hpp"
#include "libseedboot/sys/resolve.hpp"

#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

namespace init {

namespace {

const char* kind_of(mode_t mode) {
    switch (mode & S_IFMT) {
    case S_IFREG:
        return "a regular file";
    case S_IFDIR:
        return "a directory";
    case S_IFLNK:
        return "a symbolic link";
    case S_IFIFO:
        return "a FIFO";
    case S_IFSOCK:
        return "a socket";
    case S_IFCHR:
    case S_IFBLK:
        return "a device node";
    default:
        return "not a regular file";
    }
}

[[nodiscard]] bool refuse_open(const std::string& what) {
    if (errno == ELOOP || errno == EXDEV)
        return fail(what + " is a symbolic link or lies behind one (expected a regular file "
                           "reached through no link)");
    return fail_errno(what);
}

[[nodiscard]] bool refuse_mount_point(const std::string& path) {
    if (errno == ELOOP)
        return fail("mount point " + path + " in the build tree is a symbolic link or lies " +
                    "behind one (a step left it): refusing to mount over it");
    return fail_errno("make mount point " + path + " in the build tree");
}

// One component below `dir`, which must not be a symlink.
[[nodiscard]] bool make_one(int dir, const char* name, bool directory) {
    int rc = directory
                 ? ::mkdirat(dir, name, 0755)
                 : ::openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (rc >= 0 && !directory) ::close(rc);
    return rc >= 0 || errno == EEXIST;
}

} // namespace

[[nodiscard]] bool open_output(int root, const std::string& path, Fd& out) {
    // O_NONBLOCK: opening a FIFO a step left must not wait for a writer that never comes.
    out = seedboot::open_beneath(root, path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
    if (!out.ok()) return refuse_open("output " + path);
    struct stat st {};
    if (::fstat(out.get(), &st) != 0) return fail_errno("stat output " + path);
    if (!S_ISREG(st.st_mode))
        return fail("output " + path + " is " + kind_of(st.st_mode) + " (expected a regular file)");
    return true;
}

[[nodiscard]] bool read_image_file(const std::string& path, std::string& out) {
    if (path.rfind("/sources/", 0) != 0 && path.rfind("/seed/", 0) != 0)
        return fail(path + ": expected a file of the root image, under /sources/ or /seed/");
    Fd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root.ok()) return fail_errno("open /");
    // RESOLVE_NO_XDEV: never onto /work, /proc or any other mount.
    Fd fd = seedboot::open_resolved(root.get(), path.c_str(), O_RDONLY | O_NOFOLLOW,
                                    RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV);
    if (!fd.ok()) return refuse_open(path);
    std::string err;
    return reported(seedboot::read_fd(fd.get(), path, "file of the root image", out, err), err);
}

[[nodiscard]] bool make_mount_point(int root, const std::string& path, bool directory) {
    std::string at;
    for (size_t i = 1; i <= path.size(); ++i) {
        if (i < path.size() && path[i] != '/') continue;
        std::string parent = at.empty() ? "/" : at,
                    name = path.substr(at.size() + 1, i - at.size() - 1);
        at = path.substr(0, i);
        if (name.empty()) continue;
        Fd dir = seedboot::open_beneath(root, parent.c_str(), O_PATH | O_DIRECTORY);
        if (!dir.ok() || !make_one(dir.get(), name.c_str(), directory || i < path.size()))
            return refuse_mount_point(at);
    }
    Fd fd = seedboot::open_beneath(root, path.c_str(), O_PATH | O_NOFOLLOW);
    struct stat st {};
    if (!fd.ok() || ::fstat(fd.get(), &st) != 0) return refuse_mount_point(path);
    if (S_ISDIR(st.st_mode) != directory || (!directory && !S_ISREG(st.st_mode)))
        return fail("mount point " + path + " in the build tree is " + kind_of(st.st_mode) +
                    " (expected " + (directory ? "a directory" : "a regular file") +
                    "): refusing to mount over it");
    return true;
}

} // namespace init
