#include "init/sandbox/step_process.hpp"

#include "init/sandbox/step_mounts.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/sched.h>
#include <sys/mount.h> // mount(2) and, since glibc 2.36, the new mount API's constants
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace init {

namespace {

// The step's output pipe is where a problem before the exec is told: the PID 1
// shows it on the console and keeps it in the step's log.
[[noreturn]] void die(int fd, const StepLaunch& l, const char* what, const char* arg = "") {
    char msg[384];
    int n = std::snprintf(msg, sizeof msg, "seedboot: error: step %s: %s%s: %s\n", l.name, what,
                          arg, std::strerror(errno));
    if (n > 0) (void)!::write(fd, msg, std::min<size_t>(static_cast<size_t>(n), sizeof msg - 1));
    _exit(kStatusExecFailed);
}

// What a BuildKit RUN of StageX's build gets besides its files: the hostname, and the
// open-file limit StageX passes (`--ulimit nofile=2048:16384`, src/targets.py).
constexpr const char kHostname[] = "buildkitsandbox";
constexpr rlimit kOpenFiles{2048, 16384};

[[noreturn]] void die_at(int fd, const StepLaunch& l, const MountFailure& f) {
    int saved = errno;
    char what[160];
    std::snprintf(what, sizeof what, "%s /%s", f.what, f.path);
    errno = saved;
    die(fd, l, what);
}

pid_t clone_with(uint64_t flags, int cgroup_fd) {
    clone_args args{};
    args.flags = flags;
    args.exit_signal = SIGCHLD;
    if (flags & CLONE_INTO_CGROUP) args.cgroup = static_cast<uint64_t>(cgroup_fd);
    return static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
}

[[noreturn]] void exec_step(const StepLaunch& l) {
    const char* what = "";
    if (::chdir(l.cwd) != 0) die(2, l, "chdir to the step's cwd ", l.cwd);
    ::umask(022);
    if (!enter_sandbox(*l.filter, what)) die(2, l, "sandbox: ", what);
    ::execve(l.argv[0], l.argv, l.envp);
    die(2, l, "exec ", l.argv[0]);
}

// The namespace's init. It closes the copies of the PID 1's descriptors before it
// forks the step, then waits as another user with no capability (leave_root):
// the step can neither signal, renice nor trace it, so it exits the moment the
// step's program does.
[[noreturn]] void reaper(const StepLaunch& l) {
    int err = l.out_fd;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        die(err, l, "keep the step's mounts to itself");
    int root = ::open(l.root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (root < 0) die(err, l, "open the build tree ", l.root);
    for (size_t i = 0; i < l.bind_count; ++i)
        if (!bind_view(root, l.binds[i].from, l.binds[i].to))
            die(err, l, "bind read-only on ", l.binds[i].to);
    int stubs = ::open(l.stubs, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (stubs < 0) die(err, l, "open the stubs layer ", l.stubs);
    if (MountFailure f = mount_step_filesystems(root, stubs); f.what) die_at(err, l, f);
    if (::sethostname(kHostname, sizeof kHostname - 1) != 0) die(err, l, "sethostname");
    if (::setrlimit(RLIMIT_NOFILE, &kOpenFiles) != 0) die(err, l, "setrlimit(RLIMIT_NOFILE)");
    if (::dup2(l.null_fd, 0) < 0 || ::dup2(l.out_fd, 1) < 0 || ::dup2(l.out_fd, 2) < 0)
        die(err, l, "dup2");
    err = 2;
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0) die(err, l, "close_range");
    if (::chroot(l.root) != 0 || ::chdir("/") != 0) die(err, l, "chroot into ", l.root);
    pid_t step = clone_with(0, -1);
    if (step == 0) exec_step(l);
    if (step < 0) die(err, l, "fork");
    if (!leave_root()) die(err, l, "leave root in the reaper");
    int ws = 0;
    for (;;) {
        pid_t p = ::waitpid(-1, &ws, 0); // the namespace's orphans come here too
        if (p == step) break;
        if (p < 0 && errno != EINTR) die(err, l, "wait for the step");
    }
    _exit(WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
}

} // namespace

pid_t launch_step(const StepLaunch& launch) {
    // A Docker RUN's namespaces: PID, mount, hostname and IPC (its SysV objects and /dev/shm
    // are its own); the network one stays the guest's, which has no network card.
    pid_t pid =
        clone_with(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_INTO_CGROUP,
                   launch.cgroup_fd);
    if (pid == 0) reaper(launch);
    return pid;
}

} // namespace init
