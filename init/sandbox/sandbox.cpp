#include "init/sandbox/sandbox.hpp"

#include "init/console/console.hpp"
#include "init/sandbox/sandbox_rules.hpp"

#include "libseedboot/sys/fd.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace init {

using seedboot::Fd;

namespace {

[[nodiscard]] bool rule_failed(const char* name, int rc) {
    return fail(std::string("seccomp rule for ") + name + ": " + std::strerror(-rc));
}

// On i386 the socket calls can go through socketcall(2), whose arguments sit
// behind a pointer the filter cannot read: refuse socketcall entirely there, and
// filter the direct socket(2) by domain. The guest has no network card and the
// kernel no INET either; this is the second wall.
[[nodiscard]] bool add_rules(scmp_filter_ctx ctx) {
    const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
    for (const char* name : kDeniedSyscalls) {
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) continue; // no such call on any ABI we filter
        int rc = seccomp_rule_add(ctx, deny, nr, 0);
        if (rc != 0 && rc != -EDOM) return rule_failed(name, rc);
    }
    // A pid names a process of the step's own PID namespace only; 0, the caller, is
    // what getrlimit/setrlimit send. Any other pid is refused, whoever it names.
    for (const char* name : kSelfOnlySyscalls) {
        int nr = seccomp_syscall_resolve_name(name);
        int rc =
            nr == __NR_SCMP_ERROR ? 0 : seccomp_rule_add(ctx, deny, nr, 1, SCMP_A0(SCMP_CMP_NE, 0));
        if (rc != 0 && rc != -EDOM) return rule_failed(name, rc);
    }
    // Device nodes would give a root step the raw disks; FIFOs and sockets stay allowed.
    for (unsigned type : {S_IFBLK, S_IFCHR}) {
        int rc = seccomp_rule_add(ctx, deny, SCMP_SYS(mknod), 1,
                                  SCMP_A1(SCMP_CMP_MASKED_EQ, S_IFMT, type));
        if (rc == 0)
            rc = seccomp_rule_add(ctx, deny, SCMP_SYS(mknodat), 1,
                                  SCMP_A2(SCMP_CMP_MASKED_EQ, S_IFMT, type));
        if (rc != 0 && rc != -EDOM) return rule_failed("mknod", rc);
    }
    int rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX));
    if (rc != 0) return rule_failed("socket", rc);
    rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socketcall), 0);
    if (rc != 0 && rc != -EDOM && rc != -EINVAL) return rule_failed("socketcall", rc);
    return true;
}

uint32_t compat_arch() {
#if defined(__x86_64__)
    return SCMP_ARCH_X86;
#elif defined(__aarch64__)
    return SCMP_ARCH_ARM;
#else
    return 0;
#endif
}

// libseccomp 2.5 exports a program only to a file descriptor: a pipe brings it
// back. A filter is at most 4096 instructions (32 KiB), less than a pipe holds;
// the write end does not block, so a larger one is an error, not a hang.
[[nodiscard]] bool export_program(scmp_filter_ctx ctx, std::vector<sock_filter>& code) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return fail_errno("pipe for the seccomp filter");
    Fd rd(fds[0]), wr(fds[1]);
    int rc = seccomp_export_bpf(ctx, wr.get());
    if (rc != 0) return fail(std::string("seccomp_export_bpf: ") + std::strerror(-rc));
    wr.reset();
    std::string bytes;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(rd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail_errno("read the seccomp filter back");
        if (n == 0) break;
        bytes.append(buf, static_cast<size_t>(n));
    }
    if (bytes.empty() || bytes.size() % sizeof(sock_filter) != 0)
        return fail("seccomp_export_bpf gave " + std::to_string(bytes.size()) +
                    " bytes (expected whole BPF instructions)");
    code.resize(bytes.size() / sizeof(sock_filter));
    std::memcpy(code.data(), bytes.data(), bytes.size());
    return true;
}

uint64_t kept_mask() {
    uint64_t keep = 0;
    for (int cap : kKeptCapabilities) keep |= uint64_t{1} << cap;
    return keep;
}

[[nodiscard]] bool set_capabilities(uint64_t keep, bool inheritable) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    for (int i = 0; i < 2; ++i) {
        uint32_t part = static_cast<uint32_t>(keep >> (32 * i));
        data[i].effective = data[i].permitted = part;
        data[i].inheritable = inheritable ? part : 0;
    }
    return ::syscall(SYS_capset, &header, data) == 0;
}

} // namespace

[[nodiscard]] bool build_sandbox(SandboxFilter& out) {
    // Unknown ABIs are killed: a step cannot dodge the filter with another calling convention.
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) return fail("seccomp_init failed");
    bool ok = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) == 0;
    if (ok && compat_arch() != 0) ok = seccomp_arch_add(ctx, compat_arch()) == 0;
    if (!ok) fail("seccomp: cannot add the compat ABI");
    // A binary tree of syscall numbers (libseccomp 2.5): a call the kernel's per-syscall
    // cache cannot decide (one with an argument rule, or a refused one) walks about
    // log2(n) comparisons instead of every rule before its own.
    if (ok && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) != 0)
        ok = fail("seccomp: cannot choose the binary-tree filter layout");
    ok = ok && add_rules(ctx) && export_program(ctx, out.code);
    seccomp_release(ctx);
    return ok;
}

[[nodiscard]] bool enter_sandbox(const SandboxFilter& filter, const char*& what) {
    const uint64_t keep = kept_mask();
    // The bounding set first (it needs CAP_SETPCAP, about to go): as uid 0, what a
    // program gets at exec is the bounding set, so this is the ceiling for good.
    for (int cap = 0; cap < 64; ++cap) {
        if (keep >> cap & 1) continue;
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0) continue;
        if (errno == EINVAL) break; // past the kernel's last capability
        what = "prctl(PR_CAPBSET_DROP)";
        return false;
    }
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
        what = "prctl(PR_CAP_AMBIENT_CLEAR_ALL)";
        return false;
    }
    if (!set_capabilities(keep, true)) {
        what = "capset";
        return false;
    }
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        what = "prctl(PR_SET_NO_NEW_PRIVS)";
        return false;
    }
    sock_fprog prog{static_cast<unsigned short>(filter.code.size()),
                    const_cast<sock_filter*>(filter.code.data())};
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
        what = "prctl(PR_SET_SECCOMP)";
        return false;
    }
    return true;
}

[[nodiscard]] bool leave_root() {
    return ::setgroups(0, nullptr) == 0 && ::setresgid(kReaperId, kReaperId, kReaperId) == 0 &&
           ::setresuid(kReaperId, kReaperId, kReaperId) == 0;
}

} // namespace init
