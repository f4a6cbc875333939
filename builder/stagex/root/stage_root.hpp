// The root image of one of StageX's bootstrap stages (a spec with [stagex]): the
// stage's own package.toml and Containerfile read from a StageX tree, compiled into
// our plan (builder/stagex/compile.hpp), and everything the plan reads laid out as
// the image's /sources/stagex: fetched files, unpacked archives, files of the
// package folder, here-documents. StageX's hex0 seed becomes /seed/hex0-seed,
// audited by the PID 1 against its hex0 source from the unpacked sources.
#pragma once

#include "builder/spec/spec.hpp"

#include "libseedboot/format/plan.hpp"

#include <string>
#include <vector>

namespace builder {

// Fills `out` (a copy of `spec`) with the seeds and the /sources/stagex source
// that the compiled `plan` needs, laid out under build_dir/stagex/NAME-ARCH.
// Every fetched file the plan needs is checked first; all that are missing or
// wrong are named in one error, with the step that needs them and where to get them.
[[nodiscard]] bool stagex_stage(const Spec& spec, const std::string& arch,
                                const std::string& build_dir, Spec& out, seedboot::Plan& plan,
                                std::string& err);

// Something a StageX plan needs from outside StageX's files, and the first step needing it.
struct StagexNeed {
    std::string name;    // fetched: the file; image: "stagex/bootstrap-stageN"
    std::string path;    // fetched: its place in the fetch folder; image: the squashfs
    std::string step;    // the first step that needs it
    std::string problem; // what is wrong with it there ("missing", ...), "" if right
};

struct StagexPlan {
    seedboot::Plan plan;
    std::string fetch;                  // the fetch folder
    std::vector<StagexNeed> fetched;    // in step order
    std::vector<StagexNeed> images;     // earlier stages' outputs the plan starts from or copies
    std::vector<std::string> platforms; // per root of plan.roots: the platform its steps run on
};

// The plan of a [stagex] spec from StageX's files alone (tree, package.toml, Containerfile),
// and what it needs: the fetched files and the earlier stages' images ([stagex] images),
// looked for but not required. For `seedboot plan`; pack and boot use stagex_stage.
[[nodiscard]] bool stagex_plan(const Spec& spec, const std::string& arch,
                               const std::string& build_dir, StagexPlan& out, std::string& err);

} // namespace builder
