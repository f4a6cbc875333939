#include "init/boot/mounts.hpp"

#include "init/console/console.hpp"

#include <cerrno>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace init {

namespace {

[[nodiscard]] bool mount_one(const char* source, const char* target, const char* type,
                             unsigned long flags) {
    if (::mount(source, target, type, flags, nullptr) == 0) return true;
    if (errno == EBUSY) return true; // devtmpfs: CONFIG_DEVTMPFS_MOUNT got there first
    return fail_errno(std::string("mount ") + type + " on " + target);
}

} // namespace

[[nodiscard]] bool mount_kernel_filesystems() {
    return mount_one("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC) &&
           mount_one("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC) &&
           mount_one("devtmpfs", "/dev", "devtmpfs", MS_NOSUID);
}

[[nodiscard]] bool mount_work(const std::string& device, const char* dir) {
    if (::mount(device.c_str(), dir, "ext4", MS_NOSUID | MS_NODEV, nullptr) == 0) return true;
    return fail_errno("mount ext4 work partition " + device + " on " + dir);
}

void unmount_work(const char* dir) {
    ::sync();
    if (::umount2(dir, 0) == 0) return;
    fail_errno(std::string("unmount ") + dir + " (remounting read-only instead)");
    ::mount(nullptr, dir, nullptr, MS_REMOUNT | MS_RDONLY, nullptr);
}

} // namespace init
