// seedboot's PID 1: mounts what it needs, checks the root image, runs the plan
// on the work partition, reports one result line, powers off. init/AUDIT.md: where to go next.
#include "init/boot/mounts.hpp"
#include "init/console/console.hpp"
#include "init/console/screen.hpp"
#include "init/journal/journal_trust.hpp"
#include "init/layers/layer_cache.hpp"
#include "init/layers/layer_store.hpp"
#include "init/layers/layout.hpp"
#include "init/steps/run_plan.hpp"
#include "init/verify/verify.hpp"
#include "init/work/result_file.hpp"
#include "init/work/space.hpp"
#include "init/work/work_disk.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/plan.hpp"
#include "libseedboot/sys/files.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <sodium.h>
#include <sys/reboot.h>
#include <sys/sysinfo.h>
#include <unistd.h>

namespace {

// Seconds. The root's disk is there (the kernel waited for it, rootwait=); a work disk of
// its own (direct kernel boot) may enumerate later.
constexpr int kWaitForDisk = 10;

struct Boot {
    init::Work work;
    seedboot::Plan plan;
    seedboot::Manifest manifest; // verified
    seedboot::Journal journal;   // the trusted journal (init/journal/journal_trust.hpp)
    init::LayerCache cache;
    bool work_mounted = false;
    bool disk_full = false; // laying out the build tree filled the work partition
};

// The PID 1 only hashes; it never needs random bytes. libsodium's default
// source makes sodium_init() wait for the kernel's entropy pool (about a second
// after boot under QEMU). sodium_init() still draws a canary for sodium_malloc(),
// which the PID 1 never calls: zeros serve, at once.
const char* no_random_name() {
    return "seedboot-pid1-zeros";
}
uint32_t no_random() {
    return 0;
}
void no_random_buf(void* buf, size_t size) {
    std::memset(buf, 0, size);
}
randombytes_implementation no_randomness = {no_random_name, no_random,     nullptr,
                                            nullptr,        no_random_buf, nullptr};

// Where the boot is, and how long each part took: the PID 1's own share of
// the boot latency, printed before the first step (make bench reads it).
struct Stages {
    static constexpr size_t kMax = 10;
    const char* names[kMax] = {};
    double started[kMax] = {};
    size_t count = 0;

    void enter(const char* name) {
        if (count == kMax) return;
        names[count] = name;
        started[count++] = init::seconds_since_boot();
    }
    const char* current() const { return count ? names[count - 1] : "start"; }
    void report() const {
        double end = init::seconds_since_boot();
        std::string parts;
        for (size_t i = 0; i < count; ++i) {
            double until = i + 1 < count ? started[i + 1] : end;
            parts += (i ? ", " : "") + std::string(names[i]) + " " + ms(until - started[i]);
        }
        init::say("PID 1 share: " + ms(end - started[0]) + " ms (" + parts + ")");
    }
    static std::string ms(double seconds) { return std::to_string(std::lround(seconds * 1000)); }
};

[[nodiscard]] bool prepare(Boot& b, Stages& stage) {
    stage.enter("mount");
    if (!init::mount_kernel_filesystems()) return false;
    init::attach_screen();
    // The CPUs the kernel brought up (what --cpus / [image] cpus asked for, unless the
    // kernel or board capped it) and the RAM it manages (what --memory / [image] memory
    // gave, less what the kernel keeps for itself).
    long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    struct sysinfo si {};
    std::string ram = ::sysinfo(&si) == 0
                          ? std::to_string(static_cast<uint64_t>(si.totalram) * si.mem_unit >> 20)
                          : std::string("?");
    init::say("PID 1 up at " + std::to_string(init::seconds_since_boot()) + " s since boot, " +
              (cpus > 0 ? std::to_string(cpus) : std::string("?")) + " CPU(s) online, " + ram +
              " MiB of RAM");
    stage.enter("plan");
    std::string text, err, device;
    if (!seedboot::read_file("/plan", "plan", text, err)) return init::fail(err);
    if (!seedboot::parse_plan(text, "/plan", b.plan, err)) return init::fail(err);
    stage.enter("manifest");
    if (randombytes_set_implementation(&no_randomness) != 0 || sodium_init() < 0)
        return init::fail("libsodium failed to initialise");
    if (!init::verify_manifest(b.manifest)) return false;
    stage.enter("seed-audit");
    if (!init::audit_seeds()) return false;
    stage.enter("work");
    if (!init::find_work_partition(kWaitForDisk, device)) return false;
    stage.enter("work-mount");
    if (!init::mount_work(device, b.work.dir.c_str())) return false;
    b.work_mounted = true;
    init::say("work partition " + device + " mounted on " + b.work.dir);
    stage.enter("work-space");
    if (!init::keep_reserve(b.work)) return false;
    stage.enter("journal");
    seedboot::Journal& j = b.journal;
    if (!init::load_journal(b.work, j)) return false;
    stage.enter("layers");
    seedboot::Replay replay;
    if (!init::open_layers(b.work, b.plan, j, replay)) return false;
    init::open_cache(b.cache);
    stage.enter("layout");
    if (!j.laid_out && !init::lay_out(b.plan, b.work, b.manifest, b.cache, j)) {
        b.disk_full = init::report_if_full(b.work, "laying out the build tree");
        return false;
    }
    return true;
}

[[noreturn]] void power_off(Boot& b, const std::string& result_line) {
    init::close_cache(b.cache);
    if (b.work_mounted) init::unmount_work(b.work.dir.c_str());
    ::sync();
    // Nothing is written after this point: cutting the power during the hold loses nothing.
    if (init::has_screen())
        init::say("the screen keeps the result for " + std::to_string(init::kScreenHoldSeconds) +
                  " s, then the machine powers off");
    init::write_result(result_line);
    if (init::has_screen()) init::sleep_ms(init::kScreenHoldSeconds * 1000);
    ::reboot(RB_POWER_OFF);
    init::fail_errno("power off");
    for (;;) ::pause(); // PID 1 must not exit: the kernel would panic
}

} // namespace

int main() {
    Boot b;
    Stages stage;
    if (::getpid() != 1) {
        init::fail("this is seedboot's PID 1; run it as the kernel's init= program");
        return 2;
    }
    if (!prepare(b, stage)) {
        // Once the work partition is mounted, /result says what the console will: a
        // /result left by an earlier run must not outlive a boot that failed.
        init::Verdict v{false, stage.current(), 1, b.disk_full};
        if (b.work_mounted && !init::write_result(b.work, b.plan.arch, b.journal, {}, v))
            init::say("/result was not written (above); the result line below is the verdict");
        power_off(b, seedboot::result_line_fail(v.failed_step, v.status));
    }
    stage.report();
    init::PlanOutcome o = init::run_plan(b.plan, b.work, b.journal, b.manifest, b.cache);
    power_off(b, o.ok ? seedboot::result_line_ok()
                      : seedboot::result_line_fail(o.failed_step, o.status));
}
