// Where the PID 1 keeps a run's state on the work partition.
#pragma once

#include <cstdio>
#include <string>

namespace init {

struct Work {
    std::string dir = "/work";
    std::string build() const { return dir + "/build"; }
    std::string roots() const { return dir + "/roots"; } // StageX build stages, one folder each
    std::string logs() const { return dir + "/logs"; }
    std::string journal() const { return dir + "/state"; }
    std::string result() const { return dir + "/result"; }
    std::string checkpoints() const { return dir + "/checkpoints"; }
    std::string aside() const { return dir + "/aside"; }
    std::string reserve() const { return dir + "/reserve"; }
};

// "NN-name": how a step's log, checkpoint and set-aside copies are named (NN from 01).
inline std::string step_id(size_t index, const std::string& name) {
    char nn[24];
    std::snprintf(nn, sizeof nn, "%02zu-", index + 1);
    return nn + name;
}

} // namespace init
