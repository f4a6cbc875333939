#include "run_step.hpp"

#include "console.hpp"
#include "progress.hpp"
#include "result_guard.hpp"
#include "sandbox.hpp"

#include "libseedboot/sys/fd.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
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

// Everything below runs in the child between fork and exec: no allocation
// happens here, the vectors were built by the parent.
[[noreturn]] void exec_child(const std::string& root, const seedboot::PlanStep& step, int out_fd,
                             int null_fd, char* const* argv, char* const* envp) {
    auto die = [&](const char* what) {
        char msg[256];
        int n = std::snprintf(msg, sizeof msg, "seedboot: error: step %s: %s: %s\n",
                              step.name.c_str(), what, std::strerror(errno));
        if (n > 0) (void)!::write(out_fd, msg, static_cast<size_t>(n));
        _exit(kStatusExecFailed);
    };
    if (::setsid() < 0) die("setsid");
    if (::dup2(null_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(out_fd, 2) < 0) die("dup2");
    if (::chroot(root.c_str()) != 0) die("chroot");
    if (::chdir(step.cwd.c_str()) != 0) die("chdir to the step's cwd");
    ::umask(022);
    if (!enter_sandbox()) {
        errno = EPERM;
        die("sandbox");
    }
    ::execve(argv[0], argv, envp);
    die(argv[0]);
    _exit(kStatusExecFailed); // die() never returns; this tells the compiler so
}

struct Child {
    pid_t pid = -1;
    uint64_t deadline_ms = 0;
};

// Kills the step's whole session and reaps everything it left behind: as PID 1
// we inherit every orphan.
int reap(pid_t pid, bool& exited) {
    int wstatus = 0;
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    exited = WIFEXITED(wstatus);
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

// Whether `pid` has exited, leaving it a zombie for reap() to collect.
bool exited(pid_t pid) {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid;
}

constexpr size_t kTailBytes = 4096;

void keep_tail(std::string& tail, std::string_view chunk) {
    tail.append(chunk);
    if (tail.size() > 2 * kTailBytes) tail.erase(0, tail.size() - kTailBytes);
}

void pump_output(int pipe_fd, int log_fd, Child child, const seedboot::PlanStep& step,
                 StepOutcome& out, ResultGuard& guard) {
    char buf[8192];
    Progress progress(step);
    bool child_done = false;
    for (;;) {
        uint64_t now = now_ms();
        // The limit holds for stragglers too: once it passes, or 2 s after the
        // step's own process ended, reap() kills whatever still holds the pipe.
        if (now >= child.deadline_ms) {
            out.timed_out = !child_done;
            return;
        }
        pollfd p{pipe_fd, POLLIN, 0};
        int wait = static_cast<int>(std::min<uint64_t>(child.deadline_ms - now, 1000));
        int r = ::poll(&p, 1, child_done ? 200 : wait);
        if (r < 0 && errno != EINTR) return;
        if (r > 0) {
            ssize_t n = ::read(pipe_fd, buf, sizeof buf);
            if (n == 0) return;                  // EOF: every writer is gone
            if (n < 0 && errno != EINTR) return; // a broken pipe: stop reading, reap()
            if (n > 0) {
                std::string_view chunk(buf, static_cast<size_t>(n));
                write_console(guard.feed(chunk));
                // Once the log refuses output (a full disk), its end is kept in memory.
                if (!out.log_short && !write_all(log_fd, chunk)) out.log_short = true;
                if (out.log_short) keep_tail(out.tail, chunk);
                out.lines += progress.feed(chunk);
            }
        } else if (r == 0 && child_done) {
            return; // a straggler holds the pipe: it is killed by reap()
        }
        if (!child_done && exited(child.pid)) {
            child_done = true;
            child.deadline_ms = std::min(child.deadline_ms, now_ms() + 2000);
        }
    }
}

// The step's output to the console (guarded) and its log, until every writer is gone.
void pump(int pipe_fd, int log_fd, Child child, const seedboot::PlanStep& step, StepOutcome& out) {
    ResultGuard guard;
    pump_output(pipe_fd, log_fd, child, step, out, guard);
    write_console(guard.finish());
}

} // namespace

bool run_step(const seedboot::Plan& plan, const seedboot::PlanStep& step, const std::string& root,
              const std::string& log_path, StepOutcome& out) {
    out = StepOutcome{};
    std::vector<std::string> env = {"SOURCE_DATE_EPOCH=" + std::to_string(plan.epoch)};
    env.insert(env.end(), plan.env.begin(), plan.env.end());
    std::vector<char*> argv, envp;
    for (const auto& a : step.argv) argv.push_back(const_cast<char*>(a.c_str()));
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    argv.push_back(nullptr);
    envp.push_back(nullptr);

    Fd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!log.ok()) return fail_errno("create log " + log_path);
    Fd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null_fd.ok()) return fail_errno("open /dev/null");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return fail_errno("pipe");
    Fd rd(fds[0]), wr(fds[1]);

    uint64_t start = now_ms();
    Child child{::fork(), start + step.timeout_s * 1000};
    if (child.pid < 0) return fail_errno("fork for step " + step.name);
    if (child.pid == 0) exec_child(root, step, wr.get(), null_fd.get(), argv.data(), envp.data());
    wr.reset();

    pump(rd.get(), log.get(), child, step, out);
    bool exited = false;
    out.status = reap(child.pid, exited);
    if (out.timed_out) {
        out.status = kStatusTimeout;
        fail("step " + step.name + " ran past its limit of " + std::to_string(step.timeout_s) +
             " s and was killed");
    }
    out.millis = now_ms() - start;
    // A log that cannot be flushed (a full disk) is reported; the step's result stands.
    if (::fsync(log.get()) != 0) fail_errno("fsync " + log_path);
    return true;
}

} // namespace init
