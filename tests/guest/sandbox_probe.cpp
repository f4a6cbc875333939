// sandbox-probe OUTPUT: run by the PID 1 as a plan step, it proves from inside
// the VM that the step sandbox holds. Each check prints "ok <what>" or
// "FAIL <what>: <why>"; OUTPUT receives the ok lines (arch-independent text, so
// one answers hash serves every arch). Exits 0 only if every check passed.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/reboot.h>
#include <sched.h>
#include <string>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

extern char** environ;

namespace {

std::string passed;
int failures = 0;

// `reported`: the line goes into OUTPUT (false for checks only some ABIs have).
void check(const char* what, bool ok, const std::string& why = "", bool reported = true) {
    if (ok) {
        if (reported) passed += std::string("ok ") + what + "\n";
        std::printf("ok %s\n", what);
    } else {
        ++failures;
        std::printf("FAIL %s: %s\n", what, why.c_str());
    }
}

// A raw system call that must fail with EPERM, the filter's answer.
void refused(const char* what, long rc, bool reported = true) {
    int e = errno;
    check(what, rc == -1 && e == EPERM,
          rc == -1
              ? std::string("failed with ") + std::strerror(e) + ", expected EPERM from the filter"
              : "succeeded",
          reported);
}

void network() {
    refused("socket(AF_INET) refused", syscall(SYS_socket, AF_INET, SOCK_STREAM, 0));
    refused("socket(AF_INET6) refused", syscall(SYS_socket, AF_INET6, SOCK_DGRAM, 0));
    refused("socket(AF_NETLINK) refused", syscall(SYS_socket, AF_NETLINK, SOCK_RAW, 0));
    long fd = syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
    check("socket(AF_UNIX) allowed", fd >= 0, std::strerror(errno));
    if (fd >= 0) close(static_cast<int>(fd));
#ifdef SYS_socketcall
    unsigned long args[3] = {AF_UNIX, SOCK_STREAM, 0};
    refused("socketcall refused", syscall(SYS_socketcall, 1 /* SYS_SOCKET */, args), false);
#endif
}

void system_calls() {
    refused("mount refused", syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, nullptr));
    refused("umount2 refused", syscall(SYS_umount2, "/seed", 0));
    refused("chroot refused", syscall(SYS_chroot, "/tmp"));
    refused("pivot_root refused", syscall(SYS_pivot_root, "/tmp", "/tmp"));
    refused("unshare refused", syscall(SYS_unshare, CLONE_NEWNS));
    refused("setns refused", syscall(SYS_setns, 0, 0));
    refused("ptrace refused", syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0));
    refused("reboot refused", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
                                      LINUX_REBOOT_CMD_POWER_OFF, nullptr));
    refused("kexec_load refused", syscall(SYS_kexec_load, 0, 0, nullptr, 0));
    refused("init_module refused", syscall(SYS_init_module, nullptr, 0, ""));
    refused("finit_module refused", syscall(SYS_finit_module, 0, "", 0));
    refused("delete_module refused", syscall(SYS_delete_module, "x", 0));
    refused("bpf refused", syscall(SYS_bpf, 0, nullptr, 0));
    refused("perf_event_open refused", syscall(SYS_perf_event_open, nullptr, 0, -1, -1, 0));
    refused("swapon refused", syscall(SYS_swapon, "/tmp", 0));
    refused("keyctl refused", syscall(SYS_keyctl, 0, 0, 0, 0, 0));
    refused("mknod of a block device refused",
            syscall(SYS_mknodat, AT_FDCWD, "/tmp/blk", S_IFBLK | 0600, makedev(254, 0)));
    long fifo = syscall(SYS_mknodat, AT_FDCWD, "/tmp/fifo", S_IFIFO | 0600, 0);
    check("mknod of a FIFO allowed", fifo == 0, std::strerror(errno));
    unlink("/tmp/fifo"); // a re-run (resume, compat probe) starts clean
    check("no_new_privs set", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
    check("seccomp filter active", prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2);
}

void files() {
    int fd = open("/seed/probe-write", O_WRONLY | O_CREAT, 0644);
    int e = errno;
    check("root image read-only (/seed)", fd < 0 && e == EROFS,
          fd < 0 ? std::string("failed with ") + std::strerror(e) + ", expected EROFS"
                 : "write allowed");
    if (fd >= 0) close(fd);
    fd = open("/tmp/probe-write", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    check("work tree writable (/tmp)", fd >= 0 && write(fd, "x", 1) == 1, std::strerror(errno));
    if (fd >= 0) close(fd);
    check("cannot see the real root (/init absent)", access("/init", F_OK) != 0);
}

void environment() {
    int count = 0;
    bool epoch = false;
    for (char** e = environ; *e; ++e, ++count)
        if (std::strncmp(*e, "SOURCE_DATE_EPOCH=", 18) == 0) epoch = true;
    check("environment cleared (SOURCE_DATE_EPOCH and the plan's PATH only)", epoch && count == 2,
          std::to_string(count) + " variables");
}

} // namespace

// Misbehaving steps for the PID 1's limits: one that never ends, and one that
// exits at once but leaves a child writing to the console forever.
int misbehave(const char* how) {
    if (std::strcmp(how, "--hang") == 0)
        for (;;) pause();
    if (fork() == 0)
        for (;;) {
            std::puts("straggler still writing");
            std::fflush(stdout);
            usleep(100000);
        }
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 2 && argv[1][0] == '-') return misbehave(argv[1]);
    if (argc != 2) {
        std::fprintf(stderr, "usage: sandbox-probe OUTPUT\n");
        return 2;
    }
    network();
    system_calls();
    files();
    environment();
    FILE* out = std::fopen(argv[1], "w");
    if (!out || std::fputs(passed.c_str(), out) < 0 || std::fclose(out) != 0) {
        std::printf("FAIL write %s: %s\n", argv[1], std::strerror(errno));
        return 1;
    }
    std::printf("%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
