// Which partition named seedboot-work is this image's: the rule, kept free of I/O so that
// the host tests every case (work_disk.cpp gathers the facts). docs/hardware.md "Which disk is
// written".
//
//   1. Only a partition whose PARTUUID is the image's identity (/identity) can be taken.
//   2. If the disk the kernel mounted the root from has work partitions, the one there is
//      taken, or none: another image's work partition there is refused, not passed over.
//   3. Otherwise (direct kernel boot: root and work on separate disks) exactly one
//      partition of this image may exist anywhere; two are refused (cannot tell), none is
//      waited for.
#pragma once

#include <string>
#include <vector>

namespace init {

struct WorkCandidate {
    std::string device;   // /dev/vda3
    std::string disk;     // vda: the whole disk holding it
    std::string partuuid; // as libblkid reports it (any case); empty if it could not be read
};

enum class Choice { take, wait, refuse };

struct WorkChoice {
    Choice what = Choice::wait;
    size_t index = 0; // Choice::take: found[index]
    std::string why;  // take: why this one; wait and refuse: what was found instead
};

WorkChoice choose_work(const std::vector<WorkCandidate>& found, const std::string& root_disk,
                       const std::string& identity);

// The others, for the console: "/dev/vdb3 (another image's)", "/dev/vdc3 (this image's copy)".
std::string left_alone(const std::vector<WorkCandidate>& found, size_t taken,
                       const std::string& identity);

} // namespace init
