#include "init/sandbox/step_mounts.hpp"

#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/resolve.hpp"

#include <cerrno>
#include <fcntl.h>
#include <iterator>
#include <linux/openat2.h>
#include <sys/mount.h> // glibc 2.36: the new mount API's calls and constants
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace init {

namespace {

// Header-only RAII; close(2) of a valid descriptor leaves errno as the failed call set it.
using seedboot::Fd;

struct Option {
    const char* key;
    const char* value; // nullptr: a flag
};

struct Node {
    const char* name;
    unsigned major, minor;
};

struct Link {
    const char* name;
    const char* target;
};

// runc's /dev for a container (libcontainer's default devices and links).
constexpr Node kDevices[] = {{"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
                             {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
constexpr Link kDevLinks[] = {{"fd", "/proc/self/fd"},
                              {"stdin", "/proc/self/fd/0"},
                              {"stdout", "/proc/self/fd/1"},
                              {"stderr", "/proc/self/fd/2"},
                              {"ptmx", "pts/ptmx"}};
constexpr Option kDevOptions[] = {{"mode", "755"}, {"size", "65536k"}};
constexpr Option kPtsOptions[] = {
    {"newinstance", nullptr}, {"ptmxmode", "0666"}, {"mode", "0620"}, {"gid", "5"}};
constexpr Option kShmOptions[] = {{"mode", "1777"}, {"size", "65536k"}};

// containerd's defaults (oci.populateDefaultUnixSpec), which BuildKit's runs get:
// masked paths are covered (a file by /dev/null, a folder by an empty read-only
// tmpfs), read-only paths bound read-only over themselves. A path the kernel does
// not have (no CONFIG_PROC_KCORE, no CONFIG_MAGIC_SYSRQ) is skipped.
constexpr const char* kMasked[] = {"proc/acpi",
                                   "proc/asound",
                                   "proc/kcore",
                                   "proc/keys",
                                   "proc/latency_stats",
                                   "proc/timer_list",
                                   "proc/timer_stats",
                                   "proc/sched_debug",
                                   "proc/scsi",
                                   "sys/firmware",
                                   "sys/devices/virtual/powercap"};
constexpr const char* kReadOnly[] = {"proc/bus", "proc/fs", "proc/irq", "proc/sys",
                                     "proc/sysrq-trigger"};
constexpr const char* kEtcStubs[] = {"etc/hosts", "etc/resolv.conf"};

constexpr unsigned kNoSuidDevExec = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

// Every mount point is opened with seedboot::open_beneath and O_NOFOLLOW: through no
// symlink, and a symlink where the mount point should be is opened as itself, then refused.

// A new, detached instance of a kernel file system, with its options and mount flags.
int new_fs(const char* type, const Option* opts, size_t count, unsigned attrs) {
    Fd ctx(::fsopen(type, FSOPEN_CLOEXEC));
    if (!ctx.ok()) return -1;
    for (size_t i = 0; i < count; ++i) {
        const Option& o = opts[i];
        unsigned cmd = o.value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG;
        if (::fsconfig(ctx.get(), cmd, o.key, o.value, 0) != 0) return -1;
    }
    if (::fsconfig(ctx.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) return -1;
    return ::fsmount(ctx.get(), FSMOUNT_CLOEXEC, attrs);
}

[[nodiscard]] bool attach(int mnt, int dst) {
    return ::move_mount(mnt, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0;
}

// A copy of `from` (beneath `src_dir`) attached over `dst`, read-only and with `attrs`
// before it is ever visible.
[[nodiscard]] bool bind_read_only(int src_dir, const char* from, int dst, unsigned attrs) {
    Fd src(::open_tree(src_dir, from, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY | attrs;
    return src.ok() &&
           ::mount_setattr(src.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) == 0 &&
           attach(src.get(), dst);
}

// Mounts a new `type` on the folder `path` beneath the tree; returns the mount's fd or -1.
int mount_new(int root, const char* path, const char* type, const Option* opts, size_t count,
              unsigned attrs, MountFailure& f) {
    f = {"mount point", path};
    Fd dst(seedboot::open_beneath(root, path, O_PATH | O_NOFOLLOW | O_DIRECTORY));
    if (!dst.ok()) return -1;
    f = {type, path};
    int mnt = new_fs(type, opts, count, attrs);
    if (mnt >= 0 && !attach(mnt, dst.get())) {
        Fd drop(mnt); // closed, errno kept
        return -1;
    }
    return mnt;
}

MountFailure fill_dev(int dev) {
    for (const Node& n : kDevices)
        if (::mknodat(dev, n.name, S_IFCHR | 0666, makedev(n.major, n.minor)) != 0)
            return {"mknod in", "dev"};
    for (const Link& l : kDevLinks)
        if (::symlinkat(l.target, dev, l.name) != 0) return {"symlink in", "dev"};
    for (const char* d : {"pts", "shm"})
        if (::mkdirat(dev, d, 0755) != 0) return {"mkdir in", "dev"};
    return {};
}

MountFailure mount_dev(int root) {
    MountFailure f;
    Fd dev(mount_new(root, "dev", "tmpfs", kDevOptions, std::size(kDevOptions),
                     MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME, f));
    if (!dev.ok()) return f;
    if (f = fill_dev(dev.get()); f.what) return f;
    Fd pts(mount_new(root, "dev/pts", "devpts", kPtsOptions, std::size(kPtsOptions),
                     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, f));
    if (!pts.ok()) return f;
    Fd shm(mount_new(root, "dev/shm", "tmpfs", kShmOptions, std::size(kShmOptions), kNoSuidDevExec,
                     f));
    return shm.ok() ? MountFailure{} : f;
}

// Covers (masked) or re-binds read-only each of `paths` beneath the tree.
MountFailure harden(int root, const char* const* paths, size_t count, bool masked) {
    for (size_t i = 0; i < count; ++i) {
        Fd dst(seedboot::open_beneath(root, paths[i], O_PATH | O_NOFOLLOW));
        if (!dst.ok() && errno == ENOENT) continue;
        struct stat st {};
        if (!dst.ok() || ::fstat(dst.get(), &st) != 0) return {"open to harden", paths[i]};
        bool ok = true;
        if (!masked) {
            ok = bind_read_only(root, paths[i], dst.get(), kNoSuidDevExec);
        } else if (S_ISDIR(st.st_mode)) {
            Fd empty(new_fs("tmpfs", nullptr, 0, MOUNT_ATTR_RDONLY | kNoSuidDevExec));
            ok = empty.ok() && attach(empty.get(), dst.get());
        } else {
            // A device node stays one: the mask reads as empty, as /dev/null does.
            ok = bind_read_only(root, "dev/null", dst.get(), MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
        }
        if (!ok) return {masked ? "mask" : "make read-only", paths[i]};
    }
    return {};
}

MountFailure mount_proc_and_sys(int root) {
    MountFailure f;
    Fd proc(mount_new(root, "proc", "proc", nullptr, 0, kNoSuidDevExec, f));
    if (!proc.ok()) return f;
    Fd sys(mount_new(root, "sys", "sysfs", nullptr, 0, MOUNT_ATTR_RDONLY | kNoSuidDevExec, f));
    if (!sys.ok()) return f;
    if (f = harden(root, kMasked, std::size(kMasked), true); f.what) return f;
    return harden(root, kReadOnly, std::size(kReadOnly), false);
}

// A stub goes only where the tree has a plain file for it (the stubs layer's, or the
// tree's own, which it hides for the step as BuildKit's does): not through a symlink,
// not over a folder.
MountFailure bind_etc_stubs(int root, int stubs) {
    for (const char* p : kEtcStubs) {
        Fd dst(seedboot::open_beneath(root, p, O_PATH | O_NOFOLLOW));
        struct stat st {};
        if (!dst.ok() || ::fstat(dst.get(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (!bind_read_only(stubs, p, dst.get(), kNoSuidDevExec)) return {"bind the stub on", p};
    }
    return {};
}

} // namespace

[[nodiscard]] bool bind_view(int root, const char* from, const char* to) {
    Fd dst(seedboot::open_beneath(root, to, O_PATH | O_NOFOLLOW));
    return dst.ok() &&
           bind_read_only(AT_FDCWD, from, dst.get(), MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
}

MountFailure mount_step_filesystems(int root, int stubs) {
    ::umask(0); // the nodes' modes as written; the step's program gets 022 (step_process.cpp)
    if (MountFailure f = mount_dev(root); f.what) return f;
    if (MountFailure f = mount_proc_and_sys(root); f.what) return f;
    return bind_etc_stubs(root, stubs);
}

} // namespace init
