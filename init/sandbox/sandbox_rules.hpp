// What a build step may not do, shared by the PID 1's sandbox (init/sandbox/sandbox.cpp)
// and the probe that proves every rule inside the VM (tests/guest/sandbox_probe.cpp):
// a rule added here without a probe makes the probe fail.
#pragma once

#include <linux/capability.h>

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
    // handles on other processes and their descriptors (pidfds reach past the PID
    // namespace's names), comparing or advising another's memory, the kernel's log
    "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "kcmp", "process_madvise", "syslog",
    // the clock: a build must not move the time every later step sees
    "settimeofday", "clock_settime", "clock_settime64", "adjtimex", "clock_adjtime",
    "clock_adjtime64",
    // keyrings, accounting, quotas, names, raw ports, page-fault games, handles
    "keyctl", "add_key", "request_key", "acct", "quotactl", "sethostname", "setdomainname", "iopl",
    "ioperm", "userfaultfd", "name_to_handle_at", "open_by_handle_at",
    // io_uring: a ring's requests reach the kernel without passing this filter (the kernels
    // are built without it, kernel-config/common.config; this holds should one ever have it)
    "io_uring_setup", "io_uring_enter", "io_uring_register"};

// Calls allowed only on the caller itself: their first argument, a pid, must be 0.
inline constexpr const char* kSelfOnlySyscalls[] = {"prlimit64"};

// The capabilities a step keeps (bounding, permitted, effective and inheritable
// sets; every other one is dropped from all of them before exec). They are the
// file-ownership powers a root build relies on: tar and install set owners and
// modes (StageX stage 2 runs `tar -xf` as root, stage 3 `install -o 1000`),
// and root writes files it does not own. docs/threat-model.md has the reasons.
inline constexpr int kKeptCapabilities[] = {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID};

// At most this many tasks (processes and threads) in a step at once: a fork
// bomb stops there instead of taking the machine's memory and pids.
inline constexpr int kMaxStepTasks = 1024;

} // namespace init
