// Where the PID 1 keeps a run's state on the work partition.
#pragma once

#include <cstdio>
#include <string>

namespace init {

struct Work {
    std::string dir = "/work";
    // Every root's layers (libseedboot/format/layers.hpp), with .empty (an empty lower
    // layer) and .work (overlayfs's work folder).
    std::string layers() const { return dir + "/layers"; }
    // Where a root's merged view is mounted: the root a step works in, and the one a
    // COPY --from reads.
    std::string view() const { return dir + "/mnt/root"; }
    std::string from_view() const { return dir + "/mnt/from"; }
    std::string logs() const { return dir + "/logs"; }
    std::string journal() const { return dir + "/state"; }
    std::string result() const { return dir + "/result"; }
    std::string aside() const { return dir + "/aside"; }
    std::string reserve() const { return dir + "/reserve"; }
    std::string plan_copy() const { return dir + "/plan"; }
};

// "NN-name": how a step's log and set-aside copies are named (NN from 01).
inline std::string step_id(size_t index, const std::string& name) {
    char nn[24];
    std::snprintf(nn, sizeof nn, "%02zu-", index + 1);
    return nn + name;
}

} // namespace init
