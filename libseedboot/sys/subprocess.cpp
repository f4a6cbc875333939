#include "subprocess.hpp"

#include "error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace seedboot {

namespace {

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

} // namespace

[[nodiscard]] bool run_program(const std::vector<std::string>& argv,
                               const std::vector<std::string>& env, std::string& err, int max_ok) {
    const char* path = std::getenv("PATH");
    std::vector<std::string> envs = {std::string("PATH=") +
                                         (path ? path : "/usr/sbin:/usr/bin:/sbin:/bin"),
                                     "LC_ALL=C", "TZ=UTC"};
    envs.insert(envs.end(), env.begin(), env.end());
    std::vector<char*> cargv, cenv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    for (const auto& e : envs) cenv.push_back(const_cast<char*>(e.c_str()));
    cargv.push_back(nullptr);
    cenv.push_back(nullptr);

    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        err = seedboot::sys_error("pipe");
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, argv[0].c_str(), &fa, nullptr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    std::string output = rc == 0 ? read_all(fds[0]) : "";
    close(fds[0]);
    if (rc != 0) {
        err = argv[0] + ": cannot run: " + std::strerror(rc) + " (is it installed?)";
        return false;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) <= max_ok) return true;
    while (!output.empty() && output.back() == '\n') output.pop_back();
    err = argv[0] + " failed (" +
          (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                             : "signal " + std::to_string(WTERMSIG(status))) +
          "): " + output.substr(output.size() > 600 ? output.size() - 600 : 0);
    return false;
}

std::string sbin_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "";
    for (size_t start = 0; start <= dirs.size();) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        std::string candidate = dirs.substr(start, end - start) + "/" + name;
        if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    for (const char* dir : {"/usr/sbin/", "/sbin/"})
        if (::access((dir + name).c_str(), X_OK) == 0) return dir + name;
    return name;
}

} // namespace seedboot
