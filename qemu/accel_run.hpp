// Boots a machine under the accelerator the user chose. tcg and kvm: one run. auto: KVM when
// it can run this guest here; a KVM guest whose Linux prints no line in time (on some hosts
// it hangs in the firmware, after SeaBIOS's "Booting from ROM") is killed and the machine
// boots again under TCG from the same disks, which nothing has written: only the PID 1
// mounts the work partition, and it prints before it does.
#pragma once

#include "accel.hpp"
#include "machines.hpp"
#include "runner.hpp"

#include <functional>
#include <string>

namespace qemu {

struct AccelChoice {
    Accel accel = Accel::tcg;
    std::string kvm_device = kKvmDevice;
    // Test hook: take KVM as usable and start its attempt with the CPUs stopped (QEMU -S,
    // under TCG), a guest that prints nothing as the hanging KVM guests do, so that the
    // fallback is exercised on hosts without KVM.
    bool test_silent_kvm = false;
};

// What --accel kvm needs, checked before anything is packed: false + err naming the arch pair
// or the device.
[[nodiscard]] bool check_accel(const AccelChoice& choice, const std::string& arch,
                               std::string& err);

// Runs `cfg` (its kvm field is set here) as the choice says. `say` prints one line of
// progress (the fallback, or why auto uses TCG); the fallback's line also goes into the log.
RunReport run_with_accel(BootConfig cfg, const AccelChoice& choice, const std::string& log_path,
                         const RunOptions& opt, const std::function<void(const std::string&)>& say);

} // namespace qemu
