#include "runner.hpp"

#include "console_filter.hpp"
#include "console_watch.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/io.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ; // QEMU inherits the user's environment (DISPLAY-free, TMPDIR)

namespace qemu {

namespace {

using Clock = std::chrono::steady_clock;

pid_t spawn(const std::vector<std::string>& argv, int out_fd, std::string& err) {
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) err = argv[0] + ": cannot run: " + std::strerror(rc) + " (install qemu-system)";
    return rc == 0 ? pid : -1;
}

void stop(pid_t pid) {
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 50; ++i) {
        if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
        ::usleep(100000);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
}

} // namespace

int exit_code(Outcome o) {
    switch (o) {
    case Outcome::ok:
        return 0;
    case Outcome::failed:
        return 1;
    case Outcome::no_result:
        return 2;
    case Outcome::timed_out:
    case Outcome::silent:
        return 3;
    case Outcome::not_started:
        return 4;
    case Outcome::power_cut:
        return 5;
    }
    return 4;
}

RunReport run_machine(const std::vector<std::string>& argv, const std::string& log_path,
                      const RunOptions& opt) {
    const unsigned timeout_s = opt.timeout_s;
    const bool echo = opt.echo;
    RunReport r;
    seedboot::Fd log(::open(log_path.c_str(),
                            O_WRONLY | O_CREAT | O_CLOEXEC | (opt.append_log ? O_APPEND : O_TRUNC),
                            0644));
    if (!log.ok()) {
        r.error = seedboot::sys_error("cannot create console log " + log_path);
        return r;
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        r.error = seedboot::sys_error("pipe");
        return r;
    }
    seedboot::Fd console(fds[0]), console_end(fds[1]);
    auto start = Clock::now();
    pid_t pid = spawn(argv, console_end.get(), r.error);
    console_end.reset(); // QEMU holds the write end: its exit ends the reads below
    ConsoleWatch watch;
    ConsoleFilter filter;
    watch.cut_after = opt.power_cut_after;
    bool timed_out = false, silent = false, log_lost = false;
    char buf[16384];
    // No console line ends the run: only QEMU's own exit (the guest powered off)
    // or the wall-clock limit. A result line is believed only after a power-off.
    while (pid > 0) {
        auto left = std::chrono::seconds(timeout_s) - (Clock::now() - start);
        if (left <= Clock::duration::zero()) {
            timed_out = true;
            break;
        }
        if (opt.linux_within_s && !watch.linux_started &&
            Clock::now() - start >= std::chrono::seconds(opt.linux_within_s)) {
            silent = true;
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd p{console.get(), POLLIN, 0};
        // Wake up at least every second: the limit after the result line counts too.
        int ms = static_cast<int>(std::min<int64_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1, 1000));
        int n = ::poll(&p, 1, ms);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        ssize_t got = ::read(console.get(), buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break; // QEMU closed the console: it has exited
        std::string text = filter.feed({buf, static_cast<size_t>(got)});
        // A console that cannot be copied is no reason to stop the guest: the verdict comes
        // from `watch`, not the log. A log that stops taking text is said once.
        if (echo) static_cast<void>(seedboot::write_all(1, text));
        if (!seedboot::write_all(log.get(), text) && !log_lost) {
            log_lost = true;
            std::fprintf(stderr, "seedboot: warning: %s; the run goes on\n",
                         seedboot::sys_error("cannot write the console log " + log_path).c_str());
        }
        watch.feed(text);
        if (watch.cut || !watch.panic_line.empty()) {
            ::kill(pid, SIGKILL);
            break;
        }
    }
    console.reset();
    int status = 0;
    if (pid > 0) {
        if (timed_out)
            stop(pid);
        else
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
    }
    log.reset();
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    r.result_line = watch.result_line;
    r.linux_started = watch.linux_started;
    if (pid <= 0) return r;
    if (silent) {
        r.outcome = Outcome::silent;
        r.error = "the guest's Linux printed no line in " + std::to_string(opt.linux_within_s) +
                  " s and was stopped (console in " + log_path + ")";
    } else if (watch.cut) {
        r.outcome = Outcome::power_cut;
        r.error = "power cut after '" + opt.power_cut_after + "' (as asked)";
    } else if (timed_out) {
        r.outcome = Outcome::timed_out;
        r.error = "the guest ran past the limit of " + std::to_string(timeout_s) +
                  " s and was stopped" +
                  (r.result_line.empty() ? std::string()
                                         : " after the line '" + r.result_line +
                                               "' (a run counts only once the guest powers off)") +
                  " (console in " + log_path + ")";
    } else if (!watch.panic_line.empty()) {
        r.outcome = Outcome::no_result;
        r.error = "the kernel panicked: " + watch.panic_line +
                  (watch.root_unreadable.empty() ? "" : "; " + watch.root_problem()) +
                  " (console in " + log_path + ")";
    } else if (r.result_line.empty()) {
        r.outcome = Outcome::no_result;
        r.error = watch.root_unreadable.empty()
                      ? "QEMU exited without a SEEDBOOT-RESULT line (kernel panic or no /init?)"
                      : watch.root_problem() + " (no SEEDBOOT-RESULT line)";
        r.error += "; console in " + log_path;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        r.outcome = Outcome::failed;
        r.error = "QEMU " +
                  (WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                     : "was killed by signal " + std::to_string(WTERMSIG(status))) +
                  " after the line '" + r.result_line + "' (console in " + log_path + ")";
    } else {
        seedboot::ResultLine result;
        std::string why;
        bool read = seedboot::parse_result_line(r.result_line, result, why);
        r.outcome = read && result.ok ? Outcome::ok : Outcome::failed;
        if (!read)
            r.error = "the guest's " + why + " (console in " + log_path + ")";
        else if (!result.ok)
            r.error = "the chain failed: " + r.result_line +
                      (watch.root_unreadable.empty() ? "" : "; " + watch.root_problem()) +
                      " (console in " + log_path + ")";
    }
    return r;
}

} // namespace qemu
