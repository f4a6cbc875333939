// The processes of a step. The PID 1 clones a child into new PID, mount, UTS and
// IPC namespaces, inside the steps' pids cgroup (clone3). That child,
// the reaper, is the namespace's init: it binds the plan's read-only views
// (/seed, /sources, ...) into the build tree within its own mount namespace, mounts
// what a Docker RUN sees (/dev, /proc, /sys, the /etc stubs: step_mounts.hpp), so
// all of it vanishes with it, names the host (a UTS namespace of its own), sets the
// open-file limit, chroots into the tree, forks the step's program and waits for it. When the
// program exits, the reaper exits with its status, and the kernel kills everything left in the
// namespace: a setsid() or a double fork does not escape. Inside, pid 1 names the reaper: the PID 1
// cannot be named. Nothing here allocates: the PID 1 prepares every string and array first.
#pragma once

#include "init/sandbox/sandbox.hpp"

#include <cstddef>
#include <sys/types.h>

namespace init {

struct StepBind {
    const char* from; // in the root image
    const char* to;   // in the build tree: an existing mount point (make_mount_point)
};

struct StepLaunch {
    const char* name; // for messages
    const char* root; // the build tree
    const char* cwd;  // inside the tree
    char* const* argv;
    char* const* envp;
    const StepBind* binds;
    size_t bind_count;
    const char* stubs; // the stubs layer's folder (layers/step_stubs.hpp)
    int out_fd;        // the step's stdout and stderr (the PID 1's pipe)
    int null_fd;       // its stdin
    int cgroup_fd;     // the steps' cgroup
    const SandboxFilter* filter;
};

// The reaper's exit status when the step's program could not be started (as a shell's).
constexpr int kStatusExecFailed = 127;

// Starts the step; returns the reaper's pid, or -1 with errno set. The reaper's
// exit status is the program's (128 + signal if it was killed); problems before
// the exec are told on out_fd and give kStatusExecFailed.
pid_t launch_step(const StepLaunch& launch);

} // namespace init
