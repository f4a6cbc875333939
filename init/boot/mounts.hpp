// The file systems the PID 1 needs: the kernel's own, and the work partition.
#pragma once

#include <string>

namespace init {

// /proc, /sys and /dev (devtmpfs; the kernel may have mounted it already).
[[nodiscard]] bool mount_kernel_filesystems();

// Mounts the ext4 work file system read-write at `dir`; the kernel replays its
// journal if the last run was cut off.
[[nodiscard]] bool mount_work(const std::string& device, const char* dir);

// Unmounts the work file system so that the next reader finds it clean.
void unmount_work(const char* dir);

} // namespace init
