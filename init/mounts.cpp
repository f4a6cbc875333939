#include "mounts.hpp"

#include "console.hpp"

#include <blkid/blkid.h>
#include <cerrno>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace init {

namespace {

bool mount_one(const char* source, const char* target, const char* type, unsigned long flags) {
    if (::mount(source, target, type, flags, nullptr) == 0) return true;
    if (errno == EBUSY) return true; // devtmpfs: CONFIG_DEVTMPFS_MOUNT got there first
    return fail_errno(std::string("mount ") + type + " on " + target);
}

} // namespace

bool mount_kernel_filesystems() {
    return mount_one("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC) &&
           mount_one("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC) &&
           mount_one("devtmpfs", "/dev", "devtmpfs", MS_NOSUID);
}

bool find_partition(const char* partlabel, int wait_s, std::string& device) {
    for (int waited = 0;; ++waited) {
        // A fresh cache each round: "/dev/null" keeps libblkid from reading or
        // writing a cache file, so every look-up probes the disks as they are now.
        blkid_cache cache = nullptr;
        if (blkid_get_cache(&cache, "/dev/null") != 0)
            return fail("libblkid: cannot create a cache");
        char* name = blkid_evaluate_tag("PARTLABEL", partlabel, &cache);
        if (name) device = name;
        free(name);
        blkid_put_cache(cache);
        if (!device.empty()) return true;
        if (waited >= wait_s)
            return fail(std::string("no partition named '") + partlabel + "' after " +
                        std::to_string(wait_s) + " s (expected a GPT partition with that name)");
        if (waited == 0) say(std::string("waiting for a partition named ") + partlabel);
        sleep(1);
    }
}

bool mount_work(const std::string& device, const char* dir) {
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
