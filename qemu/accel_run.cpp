#include "accel_run.hpp"

#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/io.hpp"

#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace qemu {

namespace {

namespace fs = std::filesystem;

// How long a KVM guest has to print its first line from Linux (the PID 1's "PID 1 up"; the
// kernel's own lines are below loglevel=4). The two errors cost differently: a window too
// short drops a working KVM for TCG, many times slower, for the whole run (hours for a
// stage); one too long costs a hanging host those seconds once. Under TCG on this 2-core host
// at a load of 10 the line came 16 s after QEMU started (direct kernel boot; 45 s through
// OVMF); KVM runs the firmware and the kernel natively, and a guest that has not printed it
// in 15 s is the hang, not a busy host.
constexpr unsigned kKvmFirstLineS = 15;

// The modification times of the disks the guest may write.
std::vector<fs::file_time_type> writable_times(const BootConfig& cfg) {
    std::vector<fs::file_time_type> t;
    for (size_t i = 0; i < cfg.disks.size(); ++i) {
        std::error_code ec;
        bool ro = i < cfg.read_only.size() && cfg.read_only[i];
        t.push_back(ro ? fs::file_time_type{} : fs::last_write_time(cfg.disks[i], ec));
    }
    return t;
}

// The disk the attempt wrote, or "" if none: a fallback from a written disk would not start
// from the state the user asked for.
std::string written_disk(const BootConfig& cfg, const std::vector<fs::file_time_type>& before) {
    auto after = writable_times(cfg);
    for (size_t i = 0; i < after.size(); ++i)
        if (after[i] != before[i]) return cfg.disks[i];
    return "";
}

// UEFI: the firmware of the attempt may have written its variable store; the fallback gets
// a pristine copy, as every boot does.
[[nodiscard]] bool fresh_vars(const BootConfig& cfg, std::string& err) {
    if (cfg.firmware_vars.empty()) return true;
    std::string code, vars;
    if (!uefi_firmware(cfg.arch, code, vars, err)) return false;
    std::error_code ec;
    fs::copy_file(vars, cfg.firmware_vars, fs::copy_options::overwrite_existing, ec);
    if (ec) err = "copy " + vars + ": " + ec.message();
    return !ec;
}

// Adds `line` to the console log, on a line of its own (the attempt may have stopped
// mid-line). The log is the user's record of the run; a line it misses is no reason to stop.
void append_line(const std::string& log_path, const std::string& line) {
    seedboot::Fd log(::open(log_path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC));
    if (!log.ok()) return;
    char last = '\n';
    off_t size = ::lseek(log.get(), 0, SEEK_END);
    if (size > 0 && ::pread(log.get(), &last, 1, size - 1) != 1) last = '\n';
    if (!seedboot::write_all(log.get(), (last == '\n' ? "" : "\n") + line + "\n"))
        std::fprintf(stderr, "seedboot: warning: %s\n",
                     seedboot::sys_error("cannot add '" + line + "' to " + log_path).c_str());
}

RunReport not_started(std::string err) {
    RunReport r;
    r.error = std::move(err);
    return r;
}

// One run; under KVM a guest that ran to the limit without a line from Linux is the known hang.
RunReport run_once(const BootConfig& cfg, const std::vector<std::string>& extra,
                   const std::string& log_path, const RunOptions& opt) {
    std::vector<std::string> argv;
    std::string err;
    if (!qemu_command(cfg, argv, err)) return not_started(err);
    argv.insert(argv.end(), extra.begin(), extra.end());
    RunReport r = run_machine(argv, log_path, opt);
    if (cfg.kvm && r.outcome == Outcome::timed_out && !r.linux_started)
        r.error += "; under KVM the guest's Linux printed no line (on some hosts a KVM guest "
                   "hangs after 'Booting from ROM': use --accel tcg or auto)";
    return r;
}

// The KVM attempt of auto, and TCG after it if Linux never spoke.
RunReport kvm_then_tcg(BootConfig cfg, const AccelChoice& choice, const std::string& log_path,
                       const RunOptions& opt, const std::function<void(const std::string&)>& say) {
    auto before = writable_times(cfg);
    RunOptions first = opt;
    first.linux_within_s = kKvmFirstLineS;
    cfg.kvm = !choice.test_silent_kvm;
    std::vector<std::string> stopped;
    if (choice.test_silent_kvm) stopped.push_back("-S");
    RunReport kvm = run_once(cfg, stopped, log_path, first);
    bool quiet_exit = kvm.outcome == Outcome::no_result && !kvm.linux_started;
    if (kvm.outcome != Outcome::silent && !quiet_exit) return kvm; // Linux ran: its verdict
    if (std::string disk = written_disk(cfg, before); !disk.empty()) {
        kvm.outcome = Outcome::failed;
        kvm.error = "the KVM attempt wrote " + disk +
                    " before the guest's Linux printed a line; no fallback to TCG from a changed "
                    "disk (boot again with --accel tcg)";
        return kvm;
    }
    std::string err;
    if (!fresh_vars(cfg, err)) return not_started(err);
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", kvm.seconds);
    std::string line =
        kvm.outcome == Outcome::silent
            ? "seedboot: KVM guest printed nothing in " + std::string(secs) +
                  " s (a known hang on some hosts after 'Booting from ROM'); falling back to TCG"
            : "seedboot: KVM's QEMU stopped before the guest's Linux printed a line (" + kvm.error +
                  "); falling back to TCG";
    say(line);
    append_line(log_path, line);
    RunOptions again = opt;
    again.append_log = true;
    cfg.kvm = false;
    RunReport tcg = run_once(cfg, {}, log_path, again);
    tcg.seconds += kvm.seconds;
    return tcg;
}

} // namespace

[[nodiscard]] bool check_accel(const AccelChoice& choice, const std::string& arch,
                               std::string& err) {
    if (choice.accel != Accel::kvm) return true;
    std::string why;
    if (kvm_usable(arch, choice.kvm_device, why)) return true;
    err = "--accel kvm: " + why + "; use --accel tcg or auto";
    return false;
}

RunReport run_with_accel(BootConfig cfg, const AccelChoice& choice, const std::string& log_path,
                         const RunOptions& opt,
                         const std::function<void(const std::string&)>& say) {
    cfg.kvm = choice.accel == Accel::kvm;
    if (choice.accel != Accel::automatic) return run_once(cfg, {}, log_path, opt);
    std::string why;
    if (choice.test_silent_kvm || kvm_usable(cfg.arch, choice.kvm_device, why))
        return kvm_then_tcg(cfg, choice, log_path, opt, say);
    say("seedboot: --accel auto: " + why + "; using TCG");
    return run_once(cfg, {}, log_path, opt);
}

} // namespace qemu
