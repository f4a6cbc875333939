#include "source_get.hpp"

#include "libseedboot/sys/subprocess.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace builder {

namespace fs = std::filesystem;

namespace {

// git reads its configuration from HOME (and GIT_CONFIG_GLOBAL); it must never stop
// to ask for a password on a terminal nobody watches.
std::vector<std::string> git_env() {
    std::vector<std::string> env = {"GIT_TERMINAL_PROMPT=0"};
    for (const char* name : {"HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "http_proxy",
                             "https_proxy", "no_proxy", "GIT_SSL_CAINFO"})
        if (const char* v = std::getenv(name)) env.push_back(std::string(name) + "=" + v);
    return env;
}

[[nodiscard]] bool git(const std::vector<std::string>& args, std::string& err) {
    std::vector<std::string> argv = {"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    std::printf("seedboot: get: %s\n", cmd.c_str());
    std::fflush(stdout);
    return seedboot::run_program(argv, git_env(), err);
}

// Every .git below `root`: the top repository's folder and the submodules' files.
[[nodiscard]] bool remove_git_metadata(const fs::path& root, std::string& err) {
    std::vector<fs::path> found;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        if (it->path().filename() != ".git") continue;
        found.push_back(it->path());
        if (it->is_directory(ec)) it.disable_recursion_pending();
    }
    for (const auto& p : found)
        if (!ec) fs::remove_all(p, ec);
    if (ec) err = root.string() + ": removing .git: " + ec.message();
    return !ec;
}

[[nodiscard]] bool get_git(const SourceLock& lock, const fs::path& tree, std::string& err) {
    const std::string t = tree.string();
    return git({"clone", "--quiet", "--no-checkout", lock.get.url, t}, err) &&
           git({"-C", t, "checkout", "--quiet", "--detach", lock.get.commit}, err) &&
           git({"-C", t, "submodule", "--quiet", "update", "--init", "--recursive"}, err) &&
           remove_git_metadata(tree, err);
}

} // namespace

[[nodiscard]] bool get_source(const SourceLock& lock, const std::string& dir, std::string& err) {
    if (lock.get.kind != "git") {
        err = lock.file + ": no 'get git URL COMMIT' line: seedboot cannot fetch '" + lock.name +
              "' by itself (" + how_to_get(lock) + ")";
        return false;
    }
    fs::path target = fs::path(dir) / lock.name;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(target, ec))) {
        if (!check_lock(lock, target.string(), err)) {
            err += " (" + target.string() + " exists: remove it to get the locked one)";
            return false;
        }
        std::printf("seedboot: get: %s is already the locked tree\n", target.c_str());
        return true;
    }
    fs::create_directories(dir, ec);
    fs::path work = fs::path(dir) / ("." + lock.name + ".get");
    fs::remove_all(work, ec);
    if (ec) {
        err = work.string() + ": " + ec.message();
        return false;
    }
    fs::path tree = work / lock.name;
    bool ok = get_git(lock, tree, err) && check_lock(lock, tree.string(), err);
    if (ok) fs::rename(tree, target, ec);
    if (ok && ec) err = "rename " + tree.string() + " to " + target.string() + ": " + ec.message();
    ok = ok && !ec;
    fs::remove_all(work, ec); // a tree that did not match the lock is never kept
    if (ok) std::printf("seedboot: get: %s matches %s\n", target.c_str(), lock.file.c_str());
    return ok;
}

} // namespace builder
