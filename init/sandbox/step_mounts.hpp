// What a step sees besides its tree: what a Docker/BuildKit RUN sees (runc's and
// containerd's defaults), made by the step's reaper in the step's own mount
// namespace before it chroots, so that all of it vanishes with the step:
//   /dev   a tmpfs (mode 755, 64 MiB) holding null, zero, full, random, urandom and
//          tty, the links fd, stdin, stdout, stderr and ptmx -> pts/ptmx, a new devpts
//          instance at /dev/pts (ptmxmode 0666) and a tmpfs at /dev/shm (mode 1777,
//          64 MiB). No disk and no console: the work disk has no node here.
//   /proc  proc of the step's own PID namespace: the PID 1 and earlier steps have no
//          entry. containerd's masked paths are hidden (/proc/kcore, /proc/keys, ...)
//          and its read-only paths read-only (/proc/sys, /proc/sysrq-trigger, ...).
//   /sys   sysfs, read-only, with /sys/firmware hidden.
//   /etc/hosts, /etc/resolv.conf: read-only stubs, as BuildKit binds them for a RUN.
// The mount points come from the step's lowest layer (init/layers/step_stubs.hpp), so
// that no step's layer holds them. Every mount point is resolved beneath the tree
// through no symlink. Nothing here allocates: it runs in the reaper, a clone of a
// PID 1 with threads (step_process.hpp).
#pragma once

namespace init {

// Where mounting failed: what (a phrase), on which path of the tree; errno is set.
struct MountFailure {
    const char* what = nullptr;
    const char* path = ""; // relative to the tree's root: "dev/pts"
};

// A read-only copy of `from` (a path of the PID 1's namespace: /sources, a seed) attached
// over the existing mount point `to` in the tree, resolved through no symlink; programs in
// it run. False with errno set.
[[nodiscard]] bool bind_view(int root, const char* from, const char* to);

// Mounts all of the above beneath the tree `root` (a directory fd); `stubs` is the
// stubs layer's folder (an fd), whose /etc files are bound. what == nullptr: done.
[[nodiscard]] MountFailure mount_step_filesystems(int root, int stubs);

} // namespace init
