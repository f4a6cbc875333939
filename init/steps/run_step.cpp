#include "init/steps/run_step.hpp"

#include "init/console/console.hpp"
#include "init/console/progress.hpp"
#include "init/console/result_guard.hpp"
#include "init/sandbox/step_cgroup.hpp"
#include "init/sandbox/step_process.hpp"

#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/io.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace init {

using seedboot::Fd;

namespace {

uint64_t now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

constexpr size_t kTailBytes = 4096;

void keep_tail(std::string& tail, std::string_view chunk) {
    tail.append(chunk);
    if (tail.size() > 2 * kTailBytes) tail.erase(0, tail.size() - kTailBytes);
}

// The console while a step runs: its output, marked, and the kernel's messages,
// each a whole line; the PID 1 is the only writer.
struct Console {
    ResultGuard guard;
    KernelLog& kernel;

    void forward_kernel() {
        std::string lines;
        kernel.forward(lines);
        if (lines.empty()) return;
        write_console(guard.finish());
        write_console(lines);
    }
};

// Copies the step's output until every writer is gone (the whole namespace has
// died) or the deadline passes (then out.timed_out).
void pump(int pipe_fd, int log_fd, uint64_t deadline_ms, const seedboot::PlanStep& step,
          StepOutcome& out, Console& console) {
    char buf[8192];
    Progress progress(step);
    for (;;) {
        uint64_t now = now_ms();
        if (now >= deadline_ms) {
            out.timed_out = true;
            return;
        }
        pollfd p[2] = {{pipe_fd, POLLIN, 0}, {console.kernel.fd(), POLLIN, 0}};
        int r = ::poll(p, 2, static_cast<int>(std::min<uint64_t>(deadline_ms - now, 1000)));
        if (r < 0 && errno != EINTR) return;
        if (r <= 0) continue;
        if (p[1].revents & POLLIN) console.forward_kernel();
        if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = ::read(pipe_fd, buf, sizeof buf);
        if (n == 0) return;                  // EOF: every writer is gone
        if (n < 0 && errno != EINTR) return; // a broken pipe: stop reading, the step is killed
        if (n > 0) {
            std::string_view chunk(buf, static_cast<size_t>(n));
            write_console(console.guard.feed(chunk));
            // Once the log refuses output (a full disk), its end is kept in memory.
            if (!out.log_short && !seedboot::write_all(log_fd, chunk)) out.log_short = true;
            if (out.log_short) keep_tail(out.tail, chunk);
            out.lines += progress.feed(chunk);
        }
    }
}

uint64_t ms_of(const timeval& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1000 + static_cast<uint64_t>(t.tv_usec) / 1000;
}

// Kills the step's namespace (its init, and with it everything in it), waits for it, then for
// anything else until the PID 1 has no child left. The reaper's usage counts every process of
// the step that was waited for (the reaper waits for the step, which waits for its own).
void end_step(pid_t reaper, StepOutcome& out) {
    ::kill(reaper, SIGKILL); // already gone if the step ended by itself
    int ws = 0;
    rusage ru{};
    while (::wait4(reaper, &ws, 0, &ru) < 0 && errno == EINTR) {
    }
    while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
    }
    out.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    out.user_ms = ms_of(ru.ru_utime);
    out.sys_ms = ms_of(ru.ru_stime);
    out.peak_rss_kib = static_cast<uint64_t>(ru.ru_maxrss);
}

} // namespace

[[nodiscard]] bool prepare_steps(StepSandbox& box) {
    return build_sandbox(box.filter) && make_step_cgroup(box.cgroup) && box.kernel.open();
}

[[nodiscard]] bool run_step(const seedboot::Plan& plan, const seedboot::PlanStep& step,
                            const std::string& root, StepSandbox& box, const std::string& log_path,
                            StepOutcome& out) {
    out = StepOutcome{};
    std::vector<std::string> env = seedboot::step_environment(plan, step);
    std::vector<char*> argv, envp;
    for (const auto& a : step.argv) argv.push_back(const_cast<char*>(a.c_str()));
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    std::vector<StepBind> binds;
    // The plan's binds are mount points of the build tree; build roots have none.
    if (step.root == "build")
        for (const auto& b : plan.binds) binds.push_back({b.from.c_str(), b.to.c_str()});

    Fd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!log.ok()) return fail_errno("create log " + log_path);
    Fd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null_fd.ok()) return fail_errno("open /dev/null");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return fail_errno("pipe");
    Fd rd(fds[0]), wr(fds[1]);

    StepLaunch launch{.name = step.name.c_str(),
                      .root = root.c_str(),
                      .cwd = step.cwd.c_str(),
                      .argv = argv.data(),
                      .envp = envp.data(),
                      .binds = binds.data(),
                      .bind_count = binds.size(),
                      .stubs = box.stubs.c_str(),
                      .out_fd = wr.get(),
                      .null_fd = null_fd.get(),
                      .cgroup_fd = box.cgroup.get(),
                      .filter = &box.filter};
    uint64_t start = now_ms();
    box.kernel.quiet();
    pid_t reaper = launch_step(launch);
    if (reaper < 0) {
        box.kernel.restore();
        return fail_errno("start step " + step.name +
                          " in a PID namespace and cgroup of its own (clone3)");
    }
    wr.reset();

    Console console{ResultGuard{}, box.kernel};
    pump(rd.get(), log.get(), start + step.timeout_s * 1000, step, out, console);
    end_step(reaper, out);
    console.forward_kernel();
    write_console(console.guard.finish());
    box.kernel.restore();
    out.millis = now_ms() - start;
    if (out.timed_out) {
        out.status = kStatusTimeout;
        fail("step " + step.name + " ran past its limit of " + std::to_string(step.timeout_s) +
             " s and was killed");
    }
    // A log that cannot be flushed (a full disk) is reported; the step's result stands.
    if (::fsync(log.get()) != 0) fail_errno("fsync " + log_path);
    uint64_t left = 0;
    if (!step_cgroup_tasks(box.cgroup, left)) return false;
    if (left != 0)
        return fail("step " + step.name + " left " + std::to_string(left) +
                    " task(s) behind after its end: refusing to go on");
    return true;
}

} // namespace init
