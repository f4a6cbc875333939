// Finds this image's work partition among the disks the kernel found, by the rule in
// work_choice.hpp. Reads the partition names the kernel already parsed (sysfs) instead of
// probing every disk, and asks libblkid only for the PARTUUIDs of the few named seedboot-work.
#pragma once

#include <string>

namespace init {

// Sets `device` (/dev/...) to the work partition made for this root image (/identity), waiting
// up to `wait_s` seconds for a late disk when none is there yet. False, after a line saying
// what was found, when there is none or it cannot tell which: nothing has been written then.
[[nodiscard]] bool find_work_partition(int wait_s, std::string& device);

// The layer cache's partition (named seedboot-cache, on any disk): true with `device` set when
// there is exactly one; false with `why` saying what was found (none, or several) otherwise.
[[nodiscard]] bool find_cache_partition(std::string& device, std::string& why);

} // namespace init
