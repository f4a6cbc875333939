#include "init/layers/step_stubs.hpp"

#include "init/console/console.hpp"

#include "libseedboot/sys/files.hpp"

#include <sys/stat.h>

namespace init {

namespace {

// BuildKit's hosts file for a RUN. resolv.conf stays empty: a step has no network.
constexpr const char* kHosts = "127.0.0.1\tlocalhost buildkitsandbox\n"
                               "::1\tlocalhost ip6-localhost ip6-loopback\n";

} // namespace

[[nodiscard]] bool make_step_stubs(const std::string& dir) {
    std::string err;
    for (const char* d : {"/dev", "/proc", "/sys", "/etc"})
        if (!seedboot::make_dirs(dir + d, err)) return fail(err);
    for (const char* d : {"", "/dev", "/proc", "/sys", "/etc"})
        if (::chmod((dir + d).c_str(), 0755) != 0) return fail_errno("chmod " + dir + d);
    // In place, with no flush and no temporary name (a cut-off one would show in every step's
    // /etc): a boot cut off before these reach the disk makes them again before any step.
    return reported(seedboot::write_file(dir + "/etc/hosts", kHosts, 0644, err) &&
                        seedboot::write_file(dir + "/etc/resolv.conf", "", 0644, err),
                    err);
}

} // namespace init
