// /plan: the compiled step list the PID 1 runs. Plain text, one instruction a
// line, so that a person can audit what a root image will do before booting it:
//
//   seedboot-plan 1
//   arch x86_64
//   epoch 1
//   env PATH=/bin
//   mkdir /bin
//   bind /seed /seed                  (root image path -> build tree path, read-only, every boot)
//   copy /sources/x /src/x            (root image path -> build tree path, first boot)
//   answers /sources/chain/chain.answers
//   step hex0 timeout=60 cwd=/ out=/bin/hex0 -- /seed/hex0-seed /seed/hex0-seed.hex0 /bin/hex0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seedboot {

struct PlanStep {
    std::string name;
    uint64_t timeout_s = 0;           // wall-clock limit; the step is killed after it
    std::string cwd = "/";            // inside the build tree
    std::vector<std::string> outputs; // hashed into the result, checked against answers
    uint64_t expect_lines = 0;        // expected console lines, for progress (0: unknown)
    std::string answers;              // answers file checked whole right after this step
    std::vector<std::string> argv;
};

// A root-image path made visible in the build tree: bound read-only at every
// boot, or copied (writable) once on the first boot.
struct PlanMapping {
    std::string from; // path in the root image (/seed/..., /sources/...)
    std::string to;   // path in the build tree
};

struct Plan {
    std::string arch;
    uint64_t epoch = 0;              // SOURCE_DATE_EPOCH for every step
    std::vector<std::string> env;    // NAME=VALUE, besides SOURCE_DATE_EPOCH
    std::vector<std::string> mkdirs; // build-tree directories made on first boot
    std::vector<PlanMapping> binds;
    std::vector<PlanMapping> copies;
    std::vector<std::string> answers; // sha256sum-format files in the build tree
    std::vector<PlanStep> steps;
};

inline constexpr size_t kMaxPlanSteps = 10000;

// On failure returns false and sets `err` to "FILE:LINE: what was wrong, what was expected".
bool parse_plan(std::string_view text, std::string_view file, Plan& out, std::string& err);

std::string format_plan(const Plan& plan);

// Every field a plan line can carry, checked the same way on both sides.
bool is_known_arch(std::string_view arch);

} // namespace seedboot
