// Running a helper tool (sgdisk, unsquashfs, minisign, debugfs) from a unit test.
#pragma once

#include <cstdio>
#include <string>
#include <sys/wait.h>

struct ShellResult {
    int status = -1;    // the exit status; -1 if it did not exit normally
    std::string output; // stdout and stderr
};

// Runs `command` with /bin/sh (paths in tests have no spaces).
inline ShellResult shell(const std::string& command) {
    ShellResult r;
    std::FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    int status = ::pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}
