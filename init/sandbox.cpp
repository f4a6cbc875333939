#include "sandbox.hpp"

#include "console.hpp"
#include "sandbox_rules.hpp"

#include <cerrno>
#include <cstring>
#include <seccomp.h>
#include <string>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

namespace init {

namespace {

// On i386 the socket calls can go through socketcall(2), whose arguments sit
// behind a pointer the filter cannot read: refuse socketcall entirely there, and
// filter the direct socket(2) by domain. The guest has no network card and the
// kernel no INET either; this is the second wall.
bool add_rules(scmp_filter_ctx ctx) {
    const int deny = SCMP_ACT_ERRNO(EPERM);
    for (const char* name : kDeniedSyscalls) {
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) continue; // no such call on any ABI we filter
        int rc = seccomp_rule_add(ctx, deny, nr, 0);
        if (rc != 0 && rc != -EDOM)
            return fail(std::string("seccomp rule for ") + name + ": " + std::strerror(-rc));
    }
    // Device nodes would give a root step the raw disks; FIFOs and sockets stay allowed.
    for (unsigned type : {S_IFBLK, S_IFCHR}) {
        int rc = seccomp_rule_add(ctx, deny, SCMP_SYS(mknod), 1,
                                  SCMP_A1(SCMP_CMP_MASKED_EQ, S_IFMT, type));
        if (rc == 0)
            rc = seccomp_rule_add(ctx, deny, SCMP_SYS(mknodat), 1,
                                  SCMP_A2(SCMP_CMP_MASKED_EQ, S_IFMT, type));
        if (rc != 0 && rc != -EDOM)
            return fail(std::string("seccomp rule for mknod: ") + std::strerror(-rc));
    }
    int rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX));
    if (rc != 0) return fail(std::string("seccomp rule for socket: ") + std::strerror(-rc));
    rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socketcall), 0);
    if (rc != 0 && rc != -EDOM && rc != -EINVAL)
        return fail(std::string("seccomp rule for socketcall: ") + std::strerror(-rc));
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

} // namespace

bool enter_sandbox() {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return fail_errno("prctl(PR_SET_NO_NEW_PRIVS)");
    // Unknown ABIs are killed: a step cannot dodge the filter with another calling convention.
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) return fail("seccomp_init failed");
    bool ok = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) == 0;
    if (ok && compat_arch() != 0) ok = seccomp_arch_add(ctx, compat_arch()) == 0;
    if (!ok) fail("seccomp: cannot add the compat ABI");
    ok = ok && add_rules(ctx);
    int rc = ok ? seccomp_load(ctx) : 0;
    if (rc != 0) fail(std::string("seccomp_load: ") + std::strerror(-rc));
    seccomp_release(ctx);
    return ok && rc == 0;
}

} // namespace init
