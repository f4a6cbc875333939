#include "init/sandbox/step_cgroup.hpp"

#include "init/console/console.hpp"
#include "init/sandbox/sandbox_rules.hpp"

#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/io.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace init {

namespace {

constexpr const char* kRoot = "/sys/fs/cgroup";
constexpr const char* kSteps = "/sys/fs/cgroup/steps";

[[nodiscard]] bool write_knob(const std::string& path, const std::string& value) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd.ok() || !seedboot::write_all(fd.get(), value))
        return fail_errno("write '" + value + "' to " + path);
    return true;
}

} // namespace

[[nodiscard]] bool make_step_cgroup(Fd& out) {
    if (::mount("cgroup2", kRoot, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0 &&
        errno != EBUSY)
        return fail_errno(std::string("mount cgroup2 on ") + kRoot +
                          " (the kernel needs CONFIG_CGROUPS and CONFIG_CGROUP_PIDS)");
    if (!write_knob(std::string(kRoot) + "/cgroup.subtree_control", "+pids")) return false;
    if (::mkdir(kSteps, 0755) != 0 && errno != EEXIST)
        return fail_errno(std::string("mkdir ") + kSteps);
    if (!write_knob(std::string(kSteps) + "/pids.max", std::to_string(kMaxStepTasks))) return false;
    out = Fd(::open(kSteps, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    return out.ok() || fail_errno(std::string("open ") + kSteps);
}

[[nodiscard]] bool step_cgroup_tasks(const Fd& group, uint64_t& count) {
    Fd fd(::openat(group.get(), "pids.current", O_RDONLY | O_CLOEXEC));
    char text[32] = {};
    ssize_t n = fd.ok() ? ::read(fd.get(), text, sizeof text - 1) : -1;
    if (n <= 0) return fail_errno(std::string("read ") + kSteps + "/pids.current");
    count = std::strtoull(text, nullptr, 10);
    return true;
}

} // namespace init
