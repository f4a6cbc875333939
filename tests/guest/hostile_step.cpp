// hostile-step MODE: a build step that attacks the sandbox it runs in
// (tests/images/hostile.toml, tests/integration/hostile.sh).
//   attack VICTIM  every attack below, one after the other; exits 0
//   after          what a straggler of the attack step would have done since
//   victim         makes its declared output a symlink to a file the answers accept
// Each attack prints "held ABI: NAME: what happened" or "BROKEN ABI: NAME: what
// got through", then a summary "hostile-step ABI MODE: N attacks, H held, B broken".
// Where an attack gets through, the program goes on as a real attacker would and
// forges what it can with it (a bare result line on a stolen console descriptor,
// "done VICTIM victim 0" in a stolen /work/state), so that the host's verdict shows
// the hole too. What this program expects comes from the issue (issue 18), not from
// the PID 1's code: the capability ceiling is written out here.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "sandbox_rules.hpp"

namespace {

int held = 0, broken = 0;
std::string abi;

void report(const char* name, bool ok, const std::string& detail) {
    (ok ? held : broken)++;
    std::printf("%s %s: %s: %s\n", ok ? "held" : "BROKEN", abi.c_str(), name, detail.c_str());
    std::fflush(stdout);
}

std::string err_text(long rc) {
    return rc == -1 ? std::string("failed: ") + std::strerror(errno) : "succeeded";
}

// A call the sandbox must refuse: held iff it failed (with EPERM when `eperm`).
void refused(const char* name, long rc, bool eperm = true) {
    int e = errno;
    report(name, rc == -1 && (!eperm || e == EPERM), err_text(rc));
}

std::string which_abi() {
#if defined(__x86_64__)
    return "x86_64";
#elif defined(__aarch64__)
    return "aarch64";
#elif defined(__i386__)
    utsname u{};
    return uname(&u) == 0 && std::strcmp(u.machine, "x86_64") == 0 ? "i386-on-x86_64" : "i386";
#else
    return "unknown";
#endif
}

pid_t clone3_with(uint64_t flags, int* pidfd = nullptr) {
    clone_args args{};
    args.flags = flags;
    args.exit_signal = SIGCHLD;
    if (pidfd) args.pidfd = reinterpret_cast<uintptr_t>(pidfd);
    return static_cast<pid_t>(syscall(SYS_clone3, &args, sizeof args));
}

// poll(2) takes milliseconds, no time_t: it sleeps on every ABI whatever the
// kernel's 32-bit time calls, which glibc's i386 nanosleep depends on.
void sleep_ms(int ms) {
    timespec end{}, now{};
    clock_gettime(CLOCK_MONOTONIC, &end);
    long long until = end.tv_sec * 1000LL + end.tv_nsec / 1000000 + ms;
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long left = until - (now.tv_sec * 1000LL + now.tv_nsec / 1000000);
        if (left <= 0) return;
        poll(nullptr, 0, static_cast<int>(left));
    }
}

void write_file_at(const char* path, const char* text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    (void)!write(fd, text, std::strlen(text));
    close(fd);
}

// --- what an attacker does with a descriptor it stole from the PID 1 ---

std::string victim_index = "0";

void forge_with(int fd) {
    struct stat st {};
    if (fstat(fd, &st) != 0) return;
    if (S_ISCHR(st.st_mode)) {
        const char line[] = "\nSEEDBOOT-RESULT: ok\n";
        (void)!write(fd, line, sizeof line - 1);
    } else if (S_ISDIR(st.st_mode)) {
        std::string done = "done " + victim_index + " victim 0 1\n";
        for (const char* name : {"state", "../state"}) {
            int j = openat(fd, name, O_WRONLY | O_APPEND);
            if (j >= 0) {
                (void)!write(j, done.data(), done.size());
                close(j);
            }
        }
    }
}

int steal_all(int pidfd) {
    int stolen = 0;
    for (int fd = 0; fd < 256; ++fd) {
        long got = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
        if (got < 0) continue;
        ++stolen;
        forge_with(static_cast<int>(got));
        close(static_cast<int>(got));
    }
    return stolen;
}

// --- the attacks ---

uint64_t bits_of(std::initializer_list<int> caps) {
    uint64_t b = 0;
    for (int c : caps) b |= uint64_t{1} << c;
    return b;
}

std::string hex(uint64_t v) {
    char t[24];
    std::snprintf(t, sizeof t, "%llx", static_cast<unsigned long long>(v));
    return t;
}

void capabilities() {
    // The ceiling: what make/gcc/bash/install may need as root, at most.
    const uint64_t ceiling =
        bits_of({CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_SETUID, CAP_SETGID});
    uint64_t kept = 0;
    for (int c : init::kKeptCapabilities) kept |= uint64_t{1} << c;
    __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct d[2] = {};
    if (syscall(SYS_capget, &h, d) != 0) {
        report("capabilities", false, std::string("capget: ") + std::strerror(errno));
        return;
    }
    uint64_t eff = d[0].effective | uint64_t{d[1].effective} << 32;
    uint64_t perm = d[0].permitted | uint64_t{d[1].permitted} << 32;
    uint64_t inh = d[0].inheritable | uint64_t{d[1].inheritable} << 32;
    uint64_t bset = 0, amb = 0;
    for (int c = 0; c < 64; ++c) {
        int in = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
        if (in < 0) break;
        if (in) bset |= uint64_t{1} << c;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1) amb |= uint64_t{1} << c;
    }
    bool ok = (kept & ~ceiling) == 0 && eff == kept && perm == kept && bset == kept &&
              (inh & ~kept) == 0 && amb == 0;
    report("capabilities", ok,
           "effective " + hex(eff) + ", permitted " + hex(perm) + ", inheritable " + hex(inh) +
               ", bounding " + hex(bset) + ", ambient " + hex(amb) + " (at most " + hex(ceiling) +
               ", the PID 1 keeps " + hex(kept) + ")");
    __user_cap_data_struct all[2];
    for (auto& x : all) x.effective = x.permitted = x.inheritable = ~0u;
    refused("capset to every capability", syscall(SYS_capset, &h, all));
}

bool in_own_pid_namespace() {
    return getpid() == 2 && getppid() == 1;
}

void pid_namespace() {
    report("own PID namespace (the PID 1 has no name here)", in_own_pid_namespace(),
           "pid " + std::to_string(getpid()) + ", parent " + std::to_string(getppid()) +
               " (expected 2 and 1: the namespace's init is the step's reaper)");
}

void pidfds() {
    long pidfd = syscall(SYS_pidfd_open, 1, 0);
    int e = errno;
    if (pidfd >= 0) {
        int stolen = steal_all(static_cast<int>(pidfd));
        report("pidfd_open(1)", false,
               "succeeded; pidfd_getfd copied " + std::to_string(stolen) + " descriptor(s)");
        close(static_cast<int>(pidfd));
    } else {
        errno = e;
        refused("pidfd_open(1)", pidfd);
    }
    // A real pidfd, of a child of ours: the calls on it are refused too.
    int fd = -1;
    pid_t child = clone3_with(CLONE_PIDFD, &fd);
    if (child == 0) {
        for (;;) pause();
    }
    if (child < 0) {
        report("pidfd of a child (clone3 CLONE_PIDFD)", false, std::strerror(errno));
        return;
    }
    refused("pidfd_getfd on a pidfd", syscall(SYS_pidfd_getfd, fd, 0, 0));
    refused("pidfd_send_signal on a pidfd", syscall(SYS_pidfd_send_signal, fd, SIGKILL, 0, 0));
    refused("process_madvise on a pidfd", syscall(SYS_process_madvise, fd, 0, 0, 0, 0));
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    close(fd);
}

void signals_and_limits() {
    std::string k1 = err_text(kill(1, SIGKILL)), k2 = err_text(kill(1, SIGTERM)),
                k3 = err_text(kill(-1, SIGKILL));
    sleep_ms(200);
    report("kill(1) and kill(-1)", getppid() == 1,
           "SIGKILL to 1 " + k1 + ", SIGTERM to 1 " + k2 + ", SIGKILL to -1 " + k3 +
               "; the step's reaper is still its parent");
    rlimit64 lim{16, 16};
    refused("prlimit64 on pid 1", syscall(SYS_prlimit64, 1, RLIMIT_NOFILE, &lim, nullptr));
    long rc = syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, nullptr, &lim);
    report("prlimit64 on itself still works", rc == 0, err_text(rc));
    int r1 = setpriority(PRIO_PROCESS, 1, 19);
    std::string why1 = err_text(r1);
    int r2 = setpriority(PRIO_USER, 0, 19);
    report("setpriority(1) and setpriority(PRIO_USER, root)", in_own_pid_namespace(),
           "on pid 1 " + why1 + ", on uid 0 " + err_text(r2) +
               "; pid 1 and uid 0 name only the step's own namespace");
    refused("ptrace(PTRACE_ATTACH, 1)", syscall(SYS_ptrace, PTRACE_ATTACH, 1, 0, 0));
    refused("kcmp(self, 1)", syscall(SYS_kcmp, getpid(), 1, 0 /* KCMP_FILE */, 0, 0));
}

void kernel_log() {
    char buf[256];
    refused("syslog(READ_ALL)", syscall(SYS_syslog, 3 /* SYSLOG_ACTION_READ_ALL */, buf, 256));
    refused("syslog(CONSOLE_LEVEL 8)", syscall(SYS_syslog, 8, nullptr, 8));
}

// Opening `path` the way an attacker would use it must fail (any errno: absent,
// read-only, refused), or, for a masked file, give nothing to read.
void no_access(const char* name, const char* path, int flags, bool empty_ok = false) {
    int fd = open(path, flags);
    if (fd < 0) {
        report(name, true, std::string(path) + ": " + std::strerror(errno));
        return;
    }
    char buf[64];
    ssize_t n = (flags & O_ACCMODE) == O_RDONLY ? read(fd, buf, sizeof buf) : -2;
    close(fd);
    report(name, empty_ok && n == 0,
           std::string(path) + (n == 0 ? ": opens and reads empty" : ": opened"));
}

// The reaper's descriptors through /proc/1/fd: the folder may list (it is root's, and
// the step is root), but no entry may open: that takes ptrace rights on the reaper.
void reaper_fds() {
    int listed = 0, opened = 0;
    if (DIR* d = opendir("/proc/1/fd")) {
        while (dirent* e = readdir(d)) {
            if (e->d_name[0] == '.') continue;
            ++listed;
            int fd = open((std::string("/proc/1/fd/") + e->d_name).c_str(), O_RDWR);
            if (fd < 0) fd = open((std::string("/proc/1/fd/") + e->d_name).c_str(), O_RDONLY);
            if (fd < 0) continue;
            ++opened;
            forge_with(fd);
            close(fd);
        }
        closedir(d);
    }
    report("the reaper's descriptors by /proc/1/fd/N", opened == 0,
           std::to_string(listed) + " listed, " + std::to_string(opened) + " opened");
}

void kernel_filesystems() {
    // /proc: of the step's own PID namespace; its pid 1 is the reaper, another user.
    no_access("/proc/1/mem", "/proc/1/mem", O_RDWR);
    no_access("/proc/1/environ", "/proc/1/environ", O_RDONLY);
    reaper_fds();
    no_access("/proc/1/root into the reaper's root", "/proc/1/root/", O_RDONLY | O_DIRECTORY);
    no_access("/proc/1/cwd", "/proc/1/cwd/", O_RDONLY | O_DIRECTORY);
    no_access("/proc/1/ns/mnt", "/proc/1/ns/mnt", O_RDONLY);
    no_access("/proc/sysrq-trigger", "/proc/sysrq-trigger", O_WRONLY);
    no_access("/proc/kcore", "/proc/kcore", O_RDONLY, true);
    no_access("/proc/kmsg", "/proc/kmsg", O_RDONLY | O_NONBLOCK);
    no_access("/proc/sys/kernel/core_pattern", "/proc/sys/kernel/core_pattern", O_WRONLY);
    no_access("/proc/sys/kernel/modprobe", "/proc/sys/kernel/modprobe", O_WRONLY);
    no_access("/proc/sys/vm/drop_caches", "/proc/sys/vm/drop_caches", O_WRONLY);
    no_access("/proc/sys/kernel/hostname", "/proc/sys/kernel/hostname", O_WRONLY);
    // /sys: read-only.
    no_access("/sys/kernel/uevent_helper", "/sys/kernel/uevent_helper", O_WRONLY);
    no_access("/sys/power/state", "/sys/power/state", O_WRONLY);
    no_access("/sys/block/vdb/queue/scheduler", "/sys/block/vdb/queue/scheduler", O_WRONLY);
    refused("umount the /proc/kcore mask", umount2("/proc/kcore", MNT_DETACH));
    refused("umount /proc/sys's read-only bind", umount2("/proc/sys", MNT_DETACH));
    mkdir("/tmp/proc", 0755);
    refused("mount proc", mount("proc", "/tmp/proc", "proc", 0, nullptr));
    refused("mount sysfs", mount("sysfs", "/tmp/proc", "sysfs", 0, nullptr));
    refused("mount devtmpfs", mount("devtmpfs", "/tmp/proc", "devtmpfs", 0, nullptr));
    refused("remount /sys read-write", mount(nullptr, "/sys", nullptr, MS_REMOUNT, nullptr));
    report("no /work in the tree", access("/work", F_OK) != 0, "absent");
    // The layers below the step's own, the layer cache and other roots' layers live on the
    // work and cache partitions, mounted only in the PID 1's namespace: no path reaches them.
    bool hidden = true;
    for (const char* p :
         {"/cache", "/../../cache/entries", "/../../work/layers", "/work/layers",
          "/../../work/roots", "/layers", "/proc/1/root/work", "/proc/self/root/../work"})
        hidden = hidden && access(p, F_OK) != 0;
    report("no layer folder or layer cache in the tree", hidden,
           hidden ? "absent" : "one is present");
}

// The work disk's numbers, as /sys tells them, made into a node: refused wherever it is
// tried, and /dev holds no disk to begin with.
void work_disk_device() {
    std::string dev;
    for (const char* disk : {"vdb", "sdb", "vda", "sda"}) {
        FILE* f = std::fopen((std::string("/sys/class/block/") + disk + "/dev").c_str(), "r");
        if (!f) continue;
        char buf[32] = {};
        if (std::fgets(buf, sizeof buf, f)) dev = buf;
        std::fclose(f);
        if (!dev.empty()) break;
    }
    unsigned maj = 254, min = 16;
    if (!dev.empty()) std::sscanf(dev.c_str(), "%u:%u", &maj, &min);
    for (const char* at : {"/dev/work", "/dev/shm/work", "/tmp/work"})
        refused((std::string("mknod the work disk (") + std::to_string(maj) + ":" +
                 std::to_string(min) + ") at " + at)
                    .c_str(),
                mknod(at, S_IFBLK | 0600, makedev(maj, min)));
    bool none = true;
    for (const char* d :
         {"/dev/vda", "/dev/vdb", "/dev/vdc", "/dev/sda", "/dev/sdb", "/dev/nvme0n1",
          "/dev/console", "/dev/kmsg", "/dev/mem", "/dev/tty0", "/dev/ttyS0", "/dev/hvc0"})
        none = none && access(d, F_OK) != 0;
    report("no disk, console or memory node in /dev", none, none ? "none" : "one is present");
    // A planted file in /dev/shm must not reach the next step (its /dev is its own).
    write_file_at("/dev/shm/planted", "planted in /dev/shm\n");
}

void disks_and_console() {
    bool none = true;
    for (const char* dev : {"/dev/vda", "/dev/vdb", "/dev/sda", "/dev/nvme0n1", "/dev/console",
                            "/../../dev/vdb", "/../../work/state"}) {
        int fd = open(dev, O_RDWR);
        if (fd >= 0) {
            none = false;
            forge_with(fd);
            close(fd);
        }
    }
    report("raw disks, the console, /work/state by path", none, none ? "none opens" : "one opened");
    refused("mknod a block device", mknod("/tmp/vdb", S_IFBLK | 0600, makedev(254, 16)));
    refused("mknod a character device", mknod("/tmp/console", S_IFCHR | 0600, makedev(5, 1)));
    struct stat st {};
    bool pipe_out = fstat(1, &st) == 0 && S_ISFIFO(st.st_mode);
    report("stdout is a pipe, not the console", pipe_out, "st_mode " + std::to_string(st.st_mode));
    refused("TIOCSTI on stdin", ioctl(0, TIOCSTI, "x"), false);
    int leaked = 0;
    for (int fd = 3; fd < 1024; ++fd) leaked += fcntl(fd, F_GETFD) >= 0;
    report("no descriptor beyond 0-2", leaked == 0, std::to_string(leaked) + " open");
}

void namespaces() {
    refused("unshare(CLONE_NEWUSER)", syscall(SYS_unshare, CLONE_NEWUSER));
    for (auto [name, flag] : {std::pair{"clone3(CLONE_NEWUSER)", uint64_t{CLONE_NEWUSER}},
                              std::pair{"clone3(CLONE_NEWPID)", uint64_t{CLONE_NEWPID}},
                              std::pair{"clone3(CLONE_NEWNS)", uint64_t{CLONE_NEWNS}}}) {
        pid_t p = clone3_with(flag);
        if (p == 0) _exit(0);
        if (p > 0) waitpid(p, nullptr, 0);
        refused(name, p, false);
    }
    refused("chroot", chroot("/tmp"));
    unsigned char params[256] = {}; // a valid, zeroed struct io_uring_params
    long ring = syscall(SYS_io_uring_setup, 1, params);
    refused("io_uring_setup", ring, false);
    if (ring >= 0) close(static_cast<int>(ring));
}

void read_only_views() {
    int r1 = rename("/sources", "/sources.real");
    if (r1 == 0) { // planted answers: accept anything the victim makes
        mkdir("/sources", 0755);
        FILE* f = std::fopen("/sources/hostile.answers", "w");
        if (f) std::fclose(f);
    }
    refused("rename /sources away", r1, false);
    refused("rename /seed away", rename("/seed", "/seed.real"), false);
    refused("rename in /sources", rename("/sources/bait", "/sources/bait2"), false);
    int fd = open("/sources/hostile.answers", O_WRONLY | O_TRUNC);
    refused("write the answers in /sources", fd, false);
    if (fd >= 0) close(fd);
    fd = open("/sources/planted", O_WRONLY | O_CREAT, 0644);
    refused("create a file in /sources", fd, false);
    if (fd >= 0) close(fd);
}

void fork_bomb() {
    int gate[2];
    if (pipe(gate) != 0) return;
    int made = 0, last_errno = 0;
    for (; made < 2000; ++made) {
        pid_t p = fork();
        if (p == 0) {
            char c;
            close(gate[1]);
            (void)!read(gate[0], &c, 1);
            _exit(0);
        }
        if (p < 0) {
            last_errno = errno;
            break;
        }
    }
    close(gate[0]);
    close(gate[1]);
    while (wait(nullptr) > 0 || errno == EINTR) {
    }
    report("2000 forks", made < 2000 && made <= init::kMaxStepTasks && last_errno == EAGAIN,
           std::to_string(made) + " ran at once, then " +
               (last_errno ? std::strerror(last_errno) : std::string("no refusal")));
}

// An unfinished line, an OOM kill in the middle of it (the kernel's message),
// then what would pass for the PID 1's verdict if it started a console line.
void oom_and_line() {
    std::fputs("x", stdout);
    std::fflush(stdout);
    pid_t hog = fork();
    if (hog == 0) {
        for (;;) {
            const size_t chunk = 16u << 20;
            char* p = static_cast<char*>(
                mmap(nullptr, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
            if (p == MAP_FAILED) _exit(3);
            for (size_t i = 0; i < chunk; i += 4096) p[i] = 1;
        }
    }
    int ws = 0;
    waitpid(hog, &ws, 0);
    std::fputs("SEEDBOOT-RESULT: ok\n\rSEEDBOOT-RESULT: ok\n", stdout);
    std::fflush(stdout);
    report("OOM kill of a memory hog", WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL,
           WIFSIGNALED(ws) ? "killed by signal " + std::to_string(WTERMSIG(ws))
                           : "exited " + std::to_string(WEXITSTATUS(ws)));
}

constexpr const char* kLate = "/tmp/late.out";
constexpr const char* kWritten = "written by the step\n";

void write_file(const char* path, const std::string& text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    (void)!write(fd, text.data(), text.size());
    close(fd);
}

// A grandchild in a session of its own: once the step's main process has
// exited (its end of `alive` closes), it waits for the PID 1 to hash the
// outputs, then rewrites one, plants a file, and beats for a minute.
void start_straggler() {
    int alive[2];
    if (pipe(alive) != 0) return;
    pid_t mid = fork();
    if (mid == 0) {
        setsid();
        if (fork() == 0) {
            close(alive[1]);
            close(1);
            close(2);
            char c;
            while (read(alive[0], &c, 1) > 0) {
            }
            sleep_ms(1000); // well after the step's end: the PID 1 has hashed its outputs
            for (int beat = 0; beat < 3000; ++beat) {
                write_file(kLate, "forged by a straggler\n");
                write_file("/tmp/planted", "planted by a straggler\n");
                write_file("/tmp/straggler.beat", std::to_string(beat));
                sleep_ms(20);
            }
            _exit(0);
        }
        _exit(0);
    }
    close(alive[0]);
    waitpid(mid, nullptr, 0);
    std::printf("straggler started (a setsid() grandchild); the after step looks for it\n");
}

int attack() {
    write_file(kLate, kWritten);
    capabilities();
    pid_namespace();
    pidfds();
    signals_and_limits();
    kernel_log();
    kernel_filesystems();
    work_disk_device();
    disks_and_console();
    namespaces();
    read_only_views();
    fork_bomb();
    oom_and_line();
    start_straggler();
    return 0;
}

std::string read_text(const char* path) {
    std::string t;
    FILE* f = std::fopen(path, "r");
    if (!f) return "(absent)";
    char buf[256];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) t.append(buf, n);
    std::fclose(f);
    return t;
}

int after() {
    std::string late = read_text(kLate);
    report("an output rewritten after its step", late == kWritten,
           std::string(kLate) + " holds '" + late.substr(0, late.find('\n')) + "'");
    report("a file planted after its step", access("/tmp/planted", F_OK) != 0,
           access("/tmp/planted", F_OK) != 0 ? "none" : "/tmp/planted exists");
    report("a file the attack left in /dev/shm", access("/dev/shm/planted", F_OK) != 0,
           access("/dev/shm/planted", F_OK) != 0 ? "gone" : "/dev/shm/planted is still there");
    std::string beat = read_text("/tmp/straggler.beat");
    sleep_ms(500);
    std::string again = read_text("/tmp/straggler.beat");
    report("a straggler alive in the next step", beat == again && beat == "(absent)",
           "beat '" + beat + "', then '" + again + "'");
    return 0;
}

int victim() {
    unlink("/tmp/victim.out");
    if (symlink("/sources/bait", "/tmp/victim.out") != 0) {
        std::printf("victim: symlink: %s\n", std::strerror(errno));
        return 1;
    }
    std::printf("victim: /tmp/victim.out links to /sources/bait, whose hash the answers hold\n");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    abi = which_abi();
    std::string mode = argc >= 2 ? argv[1] : "";
    int rc = 2;
    if (mode == "attack" && argc == 3) {
        victim_index = argv[2];
        rc = attack();
    } else if (mode == "after" && argc == 2) {
        rc = after();
    } else if (mode == "victim" && argc == 2) {
        return victim();
    } else {
        std::fprintf(stderr, "usage: hostile-step attack VICTIM-INDEX | after | victim\n");
        return 2;
    }
    std::printf("hostile-step %s %s: %d attacks, %d held, %d broken\n", abi.c_str(), mode.c_str(),
                held + broken, held, broken);
    return rc;
}
