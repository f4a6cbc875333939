// sandbox-probe OUTPUT: run by the PID 1 as a plan step, it proves from inside
// the VM that the step sandbox holds. Each check prints "ok <what>" or
// "FAIL <what>: <why>"; OUTPUT receives the ok lines, whose hash the image's
// answers hold per ABI (tests/guest/sandbox-probe/ABI.expected shows the text).
// Exits 0 only if every check passed.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <linux/reboot.h>
#include <sched.h>
#include <sodium.h>
#include <string>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sandbox_rules.hpp"

extern char** environ;

// Calls some ABIs lack: -1 makes the probe say so instead of calling.
#ifdef SYS_umount
#define NR_umount SYS_umount
#else
#define NR_umount -1
#endif
#ifdef SYS_kexec_file_load
#define NR_kexec_file_load SYS_kexec_file_load
#else
#define NR_kexec_file_load -1
#endif
#ifdef SYS_clock_settime64
#define NR_clock_settime64 SYS_clock_settime64
#define NR_clock_adjtime64 SYS_clock_adjtime64
#else
#define NR_clock_settime64 -1
#define NR_clock_adjtime64 -1
#endif
#ifdef SYS_iopl
#define NR_iopl SYS_iopl
#define NR_ioperm SYS_ioperm
#else
#define NR_iopl -1
#define NR_ioperm -1
#endif

namespace {

std::string passed;
int failures = 0;

void check(const char* what, bool ok, const std::string& why = "") {
    if (ok) {
        passed += std::string("ok ") + what + "\n";
        std::printf("ok %s\n", what);
    } else {
        ++failures;
        std::printf("FAIL %s: %s\n", what, why.c_str());
    }
}

// A raw system call that must fail with EPERM, the filter's answer.
void refused(const char* what, long rc) {
    int e = errno;
    check(what, rc == -1 && e == EPERM,
          rc == -1
              ? std::string("failed with ") + std::strerror(e) + ", expected EPERM from the filter"
              : "succeeded");
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
    refused("socketcall refused", syscall(SYS_socketcall, 1 /* SYS_SOCKET */, args));
#endif
}

// One harmless call per rule of the filter (init/sandbox/sandbox_rules.hpp): arguments
// that would fail or change nothing even if the filter let the call through,
// so a broken filter shows up as a wrong errno, not as a rebooted VM.
constexpr const char* kMissing = "/nonexistent-probe";
struct Probe {
    const char* name;
    long number; // -1: this ABI has no such call
    long args[6];
};
#define L(x) reinterpret_cast<long>(x)
const Probe kProbes[] = {
    {"mount", SYS_mount, {L("none"), L(kMissing), L("tmpfs")}},
    {"umount", NR_umount, {L(kMissing)}},
    {"umount2", SYS_umount2, {L(kMissing)}},
    {"pivot_root", SYS_pivot_root, {L(kMissing), L(kMissing)}},
    {"chroot", SYS_chroot, {L(kMissing)}},
    {"fsopen", SYS_fsopen, {L("nonexistent-fs")}},
    {"fsconfig", SYS_fsconfig, {-1}},
    {"fsmount", SYS_fsmount, {-1}},
    {"fspick", SYS_fspick, {-1, L("")}},
    {"move_mount", SYS_move_mount, {-1, L(""), -1, L("")}},
    {"open_tree", SYS_open_tree, {-1, L(kMissing)}},
    {"mount_setattr", SYS_mount_setattr, {-1, L("")}},
    {"ptrace", SYS_ptrace, {PTRACE_PEEKUSER, 1}},
    {"process_vm_readv", SYS_process_vm_readv, {0}},
    {"process_vm_writev", SYS_process_vm_writev, {0}},
    {"reboot", SYS_reboot, {0, 0, LINUX_REBOOT_CMD_POWER_OFF}}, // wrong magic
    {"kexec_load", SYS_kexec_load, {0, 0, 0, -1}},
    {"kexec_file_load", NR_kexec_file_load, {-1, -1, 0, L(""), -1}},
    {"init_module", SYS_init_module, {0, 0, L("")}},
    {"finit_module", SYS_finit_module, {-1, L("")}},
    {"delete_module", SYS_delete_module, {L("nonexistent-probe")}},
    {"bpf", SYS_bpf, {-1}},
    {"perf_event_open", SYS_perf_event_open, {0, 0, -1, -1}},
    {"setns", SYS_setns, {-1}},
    {"unshare", SYS_unshare, {0}},
    {"swapon", SYS_swapon, {L(kMissing)}},
    {"swapoff", SYS_swapoff, {L(kMissing)}},
    {"pidfd_open", SYS_pidfd_open, {1, 0}},
    {"pidfd_getfd", SYS_pidfd_getfd, {-1, 0, 0}},
    {"pidfd_send_signal", SYS_pidfd_send_signal, {-1, 0, 0, 0}},
    {"kcmp", SYS_kcmp, {1, 1, -1, 0, 0}}, // an unknown comparison type
    {"process_madvise", SYS_process_madvise, {-1, 0, 0, 0, 0}},
    {"syslog", SYS_syslog, {10 /* SYSLOG_ACTION_SIZE_BUFFER */, 0, 0}},
    {"settimeofday", SYS_settimeofday, {0, 0}},
    {"clock_settime", SYS_clock_settime, {CLOCK_MONOTONIC, 0}},
    {"clock_settime64", NR_clock_settime64, {CLOCK_MONOTONIC, 0}},
    {"adjtimex", SYS_adjtimex, {0}},
    {"clock_adjtime", SYS_clock_adjtime, {CLOCK_MONOTONIC, 0}},
    {"clock_adjtime64", NR_clock_adjtime64, {CLOCK_MONOTONIC, 0}},
    {"keyctl", SYS_keyctl, {-1}},
    {"add_key", SYS_add_key, {0}},
    {"request_key", SYS_request_key, {0}},
    {"acct", SYS_acct, {L(kMissing)}},
    {"quotactl", SYS_quotactl, {0}},
    {"sethostname", SYS_sethostname, {L("x"), -1}},
    {"setdomainname", SYS_setdomainname, {L("x"), -1}},
    {"iopl", NR_iopl, {0}},
    {"ioperm", NR_ioperm, {0, 0, 0}},
    {"userfaultfd", SYS_userfaultfd, {-1}},
    {"name_to_handle_at", SYS_name_to_handle_at, {AT_FDCWD, L(kMissing)}},
    {"open_by_handle_at", SYS_open_by_handle_at, {-1}},
    {"io_uring_setup", SYS_io_uring_setup, {1, 0}},
    {"io_uring_enter", SYS_io_uring_enter, {-1}},
    {"io_uring_register", SYS_io_uring_register, {-1}},
};
#undef L

const Probe* probe_for(const char* name) {
    for (const Probe& p : kProbes)
        if (std::strcmp(p.name, name) == 0) return &p;
    return nullptr;
}

void denied_calls() {
    for (const char* name : init::kDeniedSyscalls) {
        std::string what = std::string(name) + " refused";
        const Probe* p = probe_for(name);
        if (!p) {
            check(what.c_str(), false, "the filter has this rule but the probe has no call for it");
        } else if (p->number < 0) {
            check((std::string(name) + ": no such call on this ABI").c_str(), true);
        } else {
            const long* a = p->args;
            refused(what.c_str(), syscall(p->number, a[0], a[1], a[2], a[3], a[4], a[5]));
        }
    }
}

// kSelfOnlySyscalls: refused for any pid but 0 (the caller), allowed for 0.
void self_only_calls() {
    for (const char* name : init::kSelfOnlySyscalls) {
        if (std::strcmp(name, "prlimit64") != 0) {
            check((std::string(name) + " self-only").c_str(), false,
                  "the filter has this rule but the probe has no call for it");
            continue;
        }
        rlimit64 old{};
        refused("prlimit64 on pid 1 refused", syscall(SYS_prlimit64, 1, RLIMIT_NOFILE, 0, &old));
        long rc = syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, &old);
        check("prlimit64 on the caller (pid 0) allowed", rc == 0, std::strerror(errno));
    }
}

void device_nodes() {
#ifdef SYS_mknod
    refused("mknod of a block device refused",
            syscall(SYS_mknod, "/tmp/blk", S_IFBLK | 0600, makedev(254, 0)));
    refused("mknod of a character device refused",
            syscall(SYS_mknod, "/tmp/chr", S_IFCHR | 0600, makedev(1, 3)));
#endif
    refused("mknodat of a block device refused",
            syscall(SYS_mknodat, AT_FDCWD, "/tmp/blk", S_IFBLK | 0600, makedev(254, 0)));
    refused("mknodat of a character device refused",
            syscall(SYS_mknodat, AT_FDCWD, "/tmp/chr", S_IFCHR | 0600, makedev(1, 3)));
    long fifo = syscall(SYS_mknodat, AT_FDCWD, "/tmp/fifo", S_IFIFO | 0600, 0);
    check("mknodat of a FIFO allowed", fifo == 0, std::strerror(errno));
    unlink("/tmp/fifo"); // a re-run (resume, compat probe) starts clean
}

void confinement() {
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

// --fill PATH MIB: writes MIB MiB of a fixed pattern (byte i of each MiB is i % 251), as a
// step that needs more room than the work partition has.
int fill(const char* path, const char* mib_text) {
    long mib = std::strtol(mib_text, nullptr, 10);
    FILE* f = std::fopen(path, "w");
    if (!f || mib <= 0) {
        std::printf("fill %s %s: %s\n", path, mib_text, f ? "bad size" : std::strerror(errno));
        return 2;
    }
    static char block[1 << 20];
    for (size_t i = 0; i < sizeof block; ++i) block[i] = static_cast<char>(i % 251);
    for (long i = 0; i < mib; ++i)
        if (std::fwrite(block, 1, sizeof block, f) != sizeof block) break;
    if (std::fflush(f) != 0 || std::ferror(f) || std::fclose(f) != 0) {
        std::printf("fill %s: %s after writing part of %ld MiB\n", path, std::strerror(errno), mib);
        return 1;
    }
    std::printf("fill %s: %ld MiB written\n", path, mib);
    return 0;
}

// --sha256 FILE: a plain SHA-256 of FILE, timed on the guest's clock, the peer
// of the PID 1's boot-time verification in `make bench`.
int sha256_of(const char* path) {
    if (sodium_init() < 0) return 2;
    FILE* f = std::fopen(path, "rb");
    if (!f) {
        std::printf("sha256 %s: %s\n", path, std::strerror(errno));
        return 1;
    }
    timespec t0{}, t1{};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    static unsigned char buf[1 << 16];
    unsigned long long total = 0;
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0; total += n)
        crypto_hash_sha256_update(&st, buf, n);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, digest);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    bool ok = !std::ferror(f);
    std::fclose(f);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    std::printf("sha256 %llu bytes in %.1f ms: %02x%02x%02x%02x...\n", total, ms, digest[0],
                digest[1], digest[2], digest[3]);
    return ok ? 0 : 1;
}

// --syscall-cost N: the time of one call, over N calls, of a call the step's seccomp
// filter always allows (getppid: the kernel's per-syscall cache decides it without running
// the filter) and of one with an argument rule (prlimit64 on the caller: the filter runs).
// make bench prints both; their difference is what the filter costs a call it must read.
double ns_per_call(long n, long (*call)()) {
    timespec t0{}, t1{};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; ++i) call();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / static_cast<double>(n);
}

long call_getppid() {
    return syscall(SYS_getppid);
}

long call_prlimit() {
    rlimit r{};
    return syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, nullptr, &r);
}

int syscall_cost(const char* count) {
    long n = std::strtol(count, nullptr, 10);
    if (n <= 0) {
        std::printf("syscall-cost: '%s' is not a positive count\n", count);
        return 2;
    }
    double cached = ns_per_call(n, call_getppid), filtered = ns_per_call(n, call_prlimit);
    std::printf("syscall cost over %ld calls: getppid %.0f ns, prlimit64 %.0f ns\n", n, cached,
                filtered);
    return 0;
}

// Misbehaving steps for the PID 1's limits: one that never ends, one that
// exits at once but leaves a child writing to the console forever, and one
// that prints the PID 1's result line as if the run were over.
int misbehave(const char* how) {
    if (std::strcmp(how, "--hang") == 0)
        for (;;) pause();
    if (std::strcmp(how, "--spoof") == 0) {
        std::fputs("SEEDBOOT-RESULT: ok\nSEEDBOOT-RESULT: ok", stdout);
        return 0;
    }
    if (fork() == 0)
        for (;;) {
            std::puts("straggler still writing");
            std::fflush(stdout);
            usleep(100000);
        }
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 4 && std::strcmp(argv[1], "--fill") == 0) return fill(argv[2], argv[3]);
    if (argc == 3 && std::strcmp(argv[1], "--sha256") == 0) return sha256_of(argv[2]);
    if (argc == 3 && std::strcmp(argv[1], "--syscall-cost") == 0) return syscall_cost(argv[2]);
    if (argc == 2 && argv[1][0] == '-') return misbehave(argv[1]);
    if (argc != 2) {
        std::fprintf(stderr, "usage: sandbox-probe OUTPUT\n");
        return 2;
    }
    network();
    denied_calls();
    self_only_calls();
    device_nodes();
    confinement();
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
