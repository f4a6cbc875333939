// The confinement of a build step, applied in the child between fork and exec.
#pragma once

namespace init {

// no_new_privs plus a seccomp filter that refuses (EPERM) everything a build
// has no business doing: mounts, namespaces, ptrace, reboot, kexec, modules,
// bpf, perf, swap, clock changes, keyrings, and any socket but AF_UNIX.
// Applies to the native ABI and the compat one (i386 on x86_64, arm on aarch64).
// Returns false with the console told why; the caller must not exec then.
bool enter_sandbox();

} // namespace init
