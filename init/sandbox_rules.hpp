// The system calls a build step may not make, shared by the PID 1's seccomp
// filter (init/sandbox.cpp) and the probe that proves every one of them is
// refused inside the VM (tests/guest/sandbox_probe.cpp): a rule added here
// without a probe makes the probe fail.
#pragma once

namespace init {

// Names, not numbers: libseccomp resolves them per ABI and skips a name an ABI
// does not have (umount and iopl exist on x86 only, clock_settime64 on 32-bit).
inline constexpr const char* kDeniedSyscalls[] = {
    // mounts and the root a step sees
    "mount", "umount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig", "fsmount", "fspick",
    "move_mount", "open_tree", "mount_setattr",
    // other processes and the kernel itself
    "ptrace", "process_vm_readv", "process_vm_writev", "reboot", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "bpf", "perf_event_open", "setns", "unshare",
    "swapon", "swapoff",
    // the clock: a build must not move the time every later step sees
    "settimeofday", "clock_settime", "clock_settime64", "adjtimex", "clock_adjtime",
    "clock_adjtime64",
    // keyrings, accounting, quotas, names, raw ports, page-fault games, handles
    "keyctl", "add_key", "request_key", "acct", "quotactl", "sethostname", "setdomainname", "iopl",
    "ioperm", "userfaultfd", "name_to_handle_at", "open_by_handle_at"};

} // namespace init
