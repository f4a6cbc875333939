// The confinement of a build step. The filter is built once by the PID 1
// (libseccomp allocates); the child applies it between fork and exec without
// allocating anything.
#pragma once

#include <linux/filter.h>
#include <vector>

namespace init {

struct SandboxFilter {
    std::vector<sock_filter> code; // the compiled BPF program, every ABI the kernel runs
};

// Compiles the seccomp filter: EPERM for every call of sandbox_rules.hpp
// (mounts, namespaces, ptrace, pidfds, kcmp, syslog, reboot, kexec, modules, bpf,
// perf, swap, clock changes, keyrings, io_uring, ...), prlimit64 on any pid but the caller's,
// block and character device nodes, and any socket but AF_UNIX. Covers the native
// ABI and the compat one (i386 on x86_64, arm on aarch64); any other ABI is killed.
// Returns false with the console told why.
[[nodiscard]] bool build_sandbox(SandboxFilter& out);

// In the step's process, right before exec: drops every capability but
// sandbox_rules.hpp's kKeptCapabilities from the bounding, ambient, permitted,
// effective and inheritable sets, sets no_new_privs and loads the filter.
// Allocates nothing. On failure returns false with errno set and `what` naming the call.
[[nodiscard]] bool enter_sandbox(const SandboxFilter& filter, const char*& what);

// The step's reaper, once it has forked the step, waits as uid and gid 65534 with
// no supplementary group: the change of uid drops all its capabilities, and a step
// (uid 0 without CAP_KILL, CAP_SYS_NICE or CAP_SYS_PTRACE) can then neither signal,
// renice nor trace it. Allocates nothing.
inline constexpr unsigned kReaperId = 65534;
[[nodiscard]] bool leave_root();

} // namespace init
