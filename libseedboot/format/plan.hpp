// /plan: the compiled step list the PID 1 runs. Plain text, one instruction a
// line, so that a person can audit what a root image will do before booting it:
//
//   seedboot-plan 2
//   arch x86_64
//   epoch 1
//   env PATH=/bin
//   mkdir /bin
//   bind /seed /seed                  (root image path -> build tree path, read-only, every step)
//   copy /sources/x /src/x            (root image path -> build tree path, first boot)
//   answers /sources/chain/chain.answers   (a file of the root image, never of the tree)
//   step hex0 timeout=60 cwd=/ out=/bin/hex0 -- /seed/hex0-seed /seed/hex0-seed.hex0 /bin/hex0
//
// Build roots beside the build tree (StageX's build stages, one folder each):
//
//   root sources                      (declares /work/roots/sources)
//   digest package                    (the root whose tree digest /result records)
//   step s1 do=start root=build2 base=sources          (a root starts empty, or as a copy)
//   step s2 do=mkdir root=build2 -- /build
//   step s3 do=copy root=build2 from=seeds chmod=755 -- /build/ /build/
//   step s4 root=build2 timeout=600 cwd=/build env=PATH=/build -- /build/kaem-minimal
//
// Words after "--" and env= values are %-escaped like manifest paths (a byte up to
// ' ', from 0x7f, and '%' itself as %XX), so that a shell script fits on one line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seedboot {

// What a step does. Only `run` starts a process; the others are the PID 1's own
// work between processes, journaled like steps so that a power cut resumes them.
enum class StepAction { run, start, mkdir, copy };

struct PlanStep {
    std::string name;
    StepAction action = StepAction::run;
    std::string root = "build";       // the build root it works in ("build": /work/build)
    uint64_t timeout_s = 0;           // run: wall-clock limit; the step is killed after it
    std::string cwd = "/";            // run: inside its root
    std::vector<std::string> env;     // run: NAME=VALUE; empty: the plan's env
    std::vector<std::string> outputs; // hashed into the result, checked against answers
    uint64_t expect_lines = 0;        // expected console lines, for progress (0: unknown)
    std::string answers;              // answers file checked whole right after this step
    std::string base; // start: a root to copy, or a folder of the image (/...); empty: empty
    std::string from; // copy: the root the sources are in, or "image" (the root image)
    int chmod = -1;   // copy: the mode of everything copied; -1 keeps the sources'
    std::vector<std::string> argv; // run: program and arguments; mkdir: the folder;
                                   // copy: SOURCE... DESTINATION (a trailing '/': into it)
};

// A root-image path made visible in the build tree: bound read-only in every
// step's own mount namespace, or copied (writable) once on the first boot.
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
    std::vector<std::string> answers; // sha256sum-format files of the root image
    std::vector<std::string> roots;   // build roots besides "build", in /work/roots/NAME
    std::string digest_root;          // its tree digest goes into /result; empty: none
    std::vector<PlanStep> steps;
};

inline constexpr size_t kMaxPlanSteps = 10000;

// On failure returns false and sets `err` to "FILE:LINE: what was wrong, what was expected".
[[nodiscard]] bool parse_plan(std::string_view text, std::string_view file, Plan& out,
                              std::string& err);

std::string format_plan(const Plan& plan);

// The environment a run step gets: SOURCE_DATE_EPOCH, then the step's own env, or the
// plan's when it has none (a StageX step has its build stage's ENV and ARG, not the plan's).
std::vector<std::string> step_environment(const Plan& plan, const PlanStep& step);

// Every field a plan line can carry, checked the same way on both sides.
[[nodiscard]] bool is_known_arch(std::string_view arch);

const char* action_name(StepAction a);

} // namespace seedboot
