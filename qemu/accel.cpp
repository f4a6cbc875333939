#include "accel.hpp"

#include "libseedboot/sys/fd.hpp"
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace qemu {

const char* accel_names() {
    return "kvm, tcg or auto";
}

[[nodiscard]] bool parse_accel(const std::string& name, Accel& accel, std::string& err) {
    if (name == "tcg")
        accel = Accel::tcg;
    else if (name == "kvm")
        accel = Accel::kvm;
    else if (name == "auto")
        accel = Accel::automatic;
    else {
        err = "--accel '" + name + "' (expected " + accel_names() + ")";
        return false;
    }
    return true;
}

std::vector<std::string> accel_args(bool kvm) {
    // TCG: one host thread per guest CPU (multi-threaded TCG runs x86, x86_64 and arm64
    // guests so on an x86_64 host with QEMU 7.2).
    return {"-accel", kvm ? "kvm" : "tcg,thread=multi"};
}

[[nodiscard]] bool kvm_runs_arch(const std::string& guest_arch, const std::string& host_arch,
                                 std::string& why) {
    if (guest_arch == host_arch || (guest_arch == "i386" && host_arch == "x86_64")) return true;
    why = "KVM cannot run an " + guest_arch + " guest on this " + host_arch +
          " host (it runs guests of the host's own arch, and i386 on x86_64)";
    return false;
}

std::string host_arch() {
    utsname u{};
    return ::uname(&u) == 0 ? u.machine : "unknown";
}

[[nodiscard]] bool kvm_usable(const std::string& guest_arch, const std::string& device,
                              std::string& why) {
    if (!kvm_runs_arch(guest_arch, host_arch(), why)) return false;
    seedboot::Fd fd(::open(device.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd.ok()) {
        int e = errno;
        why = device + ": cannot open read-write: " + std::strerror(e) +
              (e == ENOENT   ? " (no KVM on this host, or not passed into this container)"
               : e == EACCES ? " (add the user to the kvm group)"
                             : "");
        return false;
    }
    // QEMU refuses any other version; a device that opens but does not answer is no KVM.
    int version = ::ioctl(fd.get(), KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        why = device + ": KVM answers API version " + std::to_string(version) + " (expected " +
              std::to_string(KVM_API_VERSION) + ")";
        return false;
    }
    return true;
}

} // namespace qemu
