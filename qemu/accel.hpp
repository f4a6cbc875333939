// Which accelerator runs the guest: the user's choice (--accel / ACCEL=), whether KVM can
// run this guest on this host, and the -accel arguments QEMU gets for it.
#pragma once

#include <string>
#include <vector>

namespace qemu {

enum class Accel {
    tcg,      // software emulation: slow, works everywhere (the default)
    kvm,      // hardware virtualisation; refused when it cannot run this guest here
    automatic // KVM when usable, TCG when not or when its guest stays silent (accel_run.hpp)
};

// "kvm, tcg or auto"
const char* accel_names();

// "kvm", "tcg" or "auto"; false + err naming the value and the allowed ones.
[[nodiscard]] bool parse_accel(const std::string& name, Accel& accel, std::string& err);

// QEMU's arguments for the accelerator: -accel kvm, or -accel tcg.
std::vector<std::string> accel_args(bool kvm);

// Whether KVM can run a `guest_arch` guest on a `host_arch` host (uname -m): only the host's
// own arch, and i386 on x86_64 (qemu-system-i386 has KVM there; qemu-system-aarch64 on x86_64
// has TCG only). false + why naming the pair.
[[nodiscard]] bool kvm_runs_arch(const std::string& guest_arch, const std::string& host_arch,
                                 std::string& why);

// The host's arch as uname -m says it.
std::string host_arch();

// KVM can run `guest_arch` here: the arch pair fits and `device` (/dev/kvm) opens read-write
// and answers KVM's API version. false + why naming the device or the pair.
[[nodiscard]] bool kvm_usable(const std::string& guest_arch, const std::string& device,
                              std::string& why);

inline constexpr const char* kKvmDevice = "/dev/kvm";

} // namespace qemu
