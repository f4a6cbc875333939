#include "step_stubs.hpp"

#include "../console.hpp"
#include "../files.hpp"

#include <sys/stat.h>

namespace init {

namespace {

// BuildKit's hosts file for a RUN. resolv.conf stays empty: a step has no network.
constexpr const char* kHosts = "127.0.0.1\tlocalhost buildkitsandbox\n"
                               "::1\tlocalhost ip6-localhost ip6-loopback\n";

} // namespace

[[nodiscard]] bool make_step_stubs(const std::string& dir) {
    for (const char* d : {"/dev", "/proc", "/sys", "/etc"})
        if (!make_dirs(dir + d)) return false;
    for (const char* d : {"", "/dev", "/proc", "/sys", "/etc"})
        if (::chmod((dir + d).c_str(), 0755) != 0) return fail_errno("chmod " + dir + d);
    // No flush: a boot cut off before these reach the disk makes them again.
    return replace_file(dir + "/etc/hosts", kHosts) && replace_file(dir + "/etc/resolv.conf", "");
}

} // namespace init
