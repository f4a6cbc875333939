// baseline-init: the peer of seedboot's PID 1 in `make bench-stage0`. `seedboot boot SPEC
// --init baseline-init` packs it as /init of the spec's own root image, so it boots on the
// same kernel from the same disks under the same QEMU command, and runs the same /plan: the
// same tree laid out the same way (mkdirs, copies, then one sync), the seeds bound over it,
// the same commands with the same argv, cwd and environment, one after another. It does
// none of the PID 1's other work (it mounts /dev, /proc and /sys plainly): no manifest check, no
// seed audit, no journal, no logs, no sandbox (chroot only), no checkpoints, no output hashes, no
// answers, no /result (so `seedboot boot` calls the run failed: the bench reads the console). A
// step's output goes straight to the console.
//
// Prints on the guest's clock: "baseline: layout S s", "baseline: first step starts at S s
// since boot", "baseline: [N/M] NAME end status=0 S s" per step, "baseline: steps S s", then
// SEEDBOOT-RESULT, and powers off.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "libseedboot/format/plan.hpp"

namespace {

double now() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void say(const std::string& line) {
    std::string out = "baseline: " + line + "\n";
    if (::write(1, out.data(), out.size()) < 0) return;
}

[[noreturn]] void power_off(const char* result) {
    ::sync();
    ::umount2("/work", 0);
    std::string line = std::string("SEEDBOOT-RESULT: ") + result + "\n";
    if (::write(1, line.data(), line.size()) < 0) {
    }
    ::reboot(RB_POWER_OFF);
    for (;;) ::pause(); // PID 1 must not exit
}

[[noreturn]] void fail(const std::string& what) {
    say(what + (errno ? std::string(": ") + std::strerror(errno) : ""));
    power_off("fail stage=baseline status=1");
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The work partition: the block device whose uevent says PARTNAME=seedboot-work.
std::string work_device() {
    for (int tries = 0; tries < 100; ++tries, ::usleep(100000)) {
        DIR* dir = ::opendir("/sys/class/block");
        if (!dir) fail("open /sys/class/block");
        std::string found;
        while (dirent* e = ::readdir(dir)) {
            std::string ev = read_text(std::string("/sys/class/block/") + e->d_name + "/uevent");
            if (ev.find("\nPARTNAME=seedboot-work\n") != std::string::npos)
                found = std::string("/dev/") + e->d_name;
        }
        ::closedir(dir);
        if (!found.empty()) return found;
    }
    errno = 0;
    fail("no partition named seedboot-work after 10 s");
}

seedboot::Plan read_plan() {
    seedboot::Plan plan;
    std::string err;
    errno = 0;
    if (!seedboot::parse_plan(read_text("/plan"), "/plan", plan, err)) fail(err);
    for (const auto& step : plan.steps)
        if (step.action != seedboot::StepAction::run || step.root != "build")
            fail("step " + step.name + ": the baseline runs only plain steps in the build tree");
    return plan;
}

void lay_out(const seedboot::Plan& plan) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories("/work/build", ec);
    for (const auto& d : plan.mkdirs)
        if (!ec) fs::create_directories("/work/build" + d, ec);
    for (const auto& c : plan.copies) {
        if (!ec) fs::create_directories(fs::path("/work/build" + c.to).parent_path(), ec);
        if (!ec)
            fs::copy(c.from, "/work/build" + c.to,
                     fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    }
    errno = 0;
    if (ec) fail("lay out /work/build: " + ec.message());
    ::sync();
    // The seeds' mount points, as the PID 1 makes them: a folder, or an empty file.
    for (const auto& b : plan.binds) {
        fs::path to = "/work/build" + b.to;
        if (fs::exists(to) || ec) continue;
        fs::create_directories(fs::is_directory(b.from) ? to : to.parent_path(), ec);
        if (!ec && !fs::is_directory(b.from)) std::ofstream(to.string()).close();
    }
    if (ec) fail("make the bind mount points: " + ec.message());
    for (const auto& b : plan.binds) {
        std::string to = "/work/build" + b.to;
        if (::mount(b.from.c_str(), to.c_str(), nullptr, MS_BIND, nullptr) != 0)
            fail("bind " + b.from + " on " + to);
    }
    // What the PID 1 gives every step (init/sandbox/step_mounts.hpp), plainly: the kernel's own
    // /dev, /proc and /sys, once for all steps, with none of the step's namespaces or masks.
    for (auto [type, at] :
         {std::pair{"devtmpfs", "/dev"}, std::pair{"proc", "/proc"}, std::pair{"sysfs", "/sys"}}) {
        std::string to = std::string("/work/build") + at;
        fs::create_directories(to, ec);
        if (ec || ::mount(type, to.c_str(), type, MS_NOSUID, nullptr) != 0)
            fail(std::string("mount ") + type + " on " + to);
    }
}

// execve's view of a list of words (they must outlive it).
std::vector<char*> c_strings(const std::vector<std::string>& words) {
    std::vector<char*> out;
    for (const auto& w : words) out.push_back(const_cast<char*>(w.c_str()));
    out.push_back(nullptr);
    return out;
}

int run(const seedboot::Plan& plan, const seedboot::PlanStep& step) {
    std::vector<std::string> env = seedboot::step_environment(plan, step);
    std::vector<char*> argv = c_strings(step.argv), envp = c_strings(env);
    pid_t pid = ::fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
        if (::chroot("/work/build") != 0 || ::chdir(step.cwd.c_str()) != 0) ::_exit(126);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) fail("waitpid");
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string seconds(double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f s", s);
    return text;
}

} // namespace

int main() {
    if (::mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
        fail("mount sysfs on /sys");
    std::string dev = work_device();
    if (::mount(dev.c_str(), "/work", "ext4", MS_NOSUID | MS_NODEV, nullptr) != 0)
        fail("mount " + dev + " on /work");
    seedboot::Plan plan = read_plan();
    double t0 = now();
    lay_out(plan);
    say("layout " + seconds(now() - t0));
    timespec boot{};
    clock_gettime(CLOCK_BOOTTIME, &boot);
    char at[64];
    std::snprintf(at, sizeof at, "first step starts at %.3f s since boot",
                  static_cast<double>(boot.tv_sec) + static_cast<double>(boot.tv_nsec) / 1e9);
    say(at);
    double start = now();
    const std::string total = "/" + std::to_string(plan.steps.size()) + "] ";
    for (size_t i = 0; i < plan.steps.size(); ++i) {
        double t = now();
        int status = run(plan, plan.steps[i]);
        say("[" + std::to_string(i + 1) + total + plan.steps[i].name +
            " end status=" + std::to_string(status) + " " + seconds(now() - t));
        if (status != 0) power_off("fail stage=step status=1");
    }
    say("steps " + seconds(now() - start));
    power_off("ok");
}
