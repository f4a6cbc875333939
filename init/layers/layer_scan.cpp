#include "init/layers/layer_scan.hpp"

#include "init/console/console.hpp"

#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/files.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace init {

using seedboot::Fd;
using seedboot::LayerEntry;

namespace {

constexpr int kMaxDepth = 1024;

struct Scanner {
    std::string top;
    std::vector<LayerEntry>& out;

    bool fail_at(const std::string& path, const std::string& what) {
        return fail_errno("layer " + top + ": " + what + " " + path);
    }

    // Overlayfs marks a folder that hides the ones below it with trusted.overlay.opaque=y.
    static bool is_opaque(int fd) {
        char v[4] = {};
        ssize_t n = ::fgetxattr(fd, "trusted.overlay.opaque", v, sizeof v);
        return n == 1 && v[0] == 'y';
    }

    bool hash_file(int dir, const char* name, const std::string& path, LayerEntry& e) {
        Fd fd(::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        struct stat st {};
        if (!fd.ok() || ::fstat(fd.get(), &st) != 0) return fail_at(path, "open");
        if (!S_ISREG(st.st_mode)) {
            errno = EAGAIN;
            return fail_at(path, "changed while read:");
        }
        uint64_t size = 0;
        if (!seedboot::sha256_fd(fd.get(), e.content, size)) return fail_at(path, "read");
        e.size = size;
        return true;
    }

    bool link_target(int dir, const char* name, const std::string& path, LayerEntry& e) {
        char buf[4096];
        ssize_t n = ::readlinkat(dir, name, buf, sizeof buf);
        if (n < 0 || n == static_cast<ssize_t>(sizeof buf)) return fail_at(path, "readlink");
        e.content.assign(buf, static_cast<size_t>(n));
        e.size = static_cast<uint64_t>(n);
        return true;
    }

    bool entry(int dir, const char* name, const std::string& path, int depth) {
        struct stat st {};
        if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return fail_at(path, "stat");
        LayerEntry e;
        e.path = path;
        e.mode = st.st_mode & 07777;
        e.uid = st.st_uid;
        e.gid = st.st_gid;
        switch (st.st_mode & S_IFMT) {
        case S_IFREG:
            e.type = 'f';
            if (!hash_file(dir, name, path, e)) return false;
            break;
        case S_IFLNK:
            e.type = 'l';
            if (!link_target(dir, name, path, e)) return false;
            break;
        case S_IFDIR: {
            Fd sub(::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!sub.ok()) return fail_at(path, "open folder");
            e.type = is_opaque(sub.get()) ? 'o' : 'd';
            out.push_back(e);
            return walk(sub.get(), path, depth + 1);
        }
        case S_IFCHR:
            if (st.st_rdev != 0) {
                errno = EPERM;
                return fail_at(path, "a device node (expected only whiteouts, 0:0) at");
            }
            e.type = 'w';
            break;
        case S_IFIFO:
            e.type = 'p';
            break;
        case S_IFSOCK:
            e.type = 's';
            break;
        default:
            errno = EPERM;
            return fail_at(path, "a block device at");
        }
        out.push_back(std::move(e));
        return true;
    }

    bool walk(int dir, const std::string& path, int depth) {
        if (depth > kMaxDepth) {
            errno = ELOOP;
            return fail_at(path, "more than 1024 folders deep:");
        }
        seedboot::Listing d = seedboot::open_listing(dir);
        if (!d) return fail_at(path.empty() ? "/" : path, "list");
        errno = 0;
        while (dirent* de = ::readdir(d.get())) {
            std::string name = de->d_name;
            if (name == "." || name == "..") continue;
            if (!entry(dir, de->d_name, path + "/" + name, depth)) return false;
            errno = 0;
        }
        return errno == 0 || fail_at(path.empty() ? "/" : path, "list");
    }
};

} // namespace

[[nodiscard]] bool scan_layer(const std::string& dir, std::vector<LayerEntry>& out) {
    out.clear();
    Fd top(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!top.ok()) return fail_errno("open layer " + dir);
    // The top folder is an entry too: a step may chmod or chown its root's "/".
    struct stat st {};
    if (::fstat(top.get(), &st) != 0) return fail_errno("stat layer " + dir);
    seedboot::LayerEntry self{
        "/", Scanner::is_opaque(top.get()) ? 'o' : 'd', st.st_mode & 07777, st.st_uid, st.st_gid, 0,
        "-"};
    if (self.type != 'd' || self.mode != 0755 || self.uid != 0 || self.gid != 0)
        out.push_back(self);
    Scanner s{dir, out};
    return s.walk(top.get(), "", 0);
}

[[nodiscard]] bool digest_layer(const std::string& dir, seedboot::LayerDigest& out,
                                uint64_t* bytes) {
    std::vector<LayerEntry> entries;
    if (!scan_layer(dir, entries)) return false;
    if (bytes) {
        *bytes = 0;
        for (const auto& e : entries) *bytes += e.type == 'f' ? e.size : 0;
    }
    out = seedboot::layer_digest(entries);
    return true;
}

} // namespace init
