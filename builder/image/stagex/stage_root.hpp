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

namespace builder {

// Fills `out` (a copy of `spec`) with the seeds and the /sources/stagex source
// that the compiled `plan` needs, laid out under build_dir/stagex/NAME-ARCH.
// Every fetched file the plan needs is checked first; all that are missing or
// wrong are named in one error, with the step that needs them and where to get them.
bool stagex_stage(const Spec& spec, const std::string& arch, const std::string& build_dir,
                  Spec& out, seedboot::Plan& plan, std::string& err);

} // namespace builder
