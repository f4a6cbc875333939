// The host's verdict on a run: a console line is not enough. A run is ok only
// when the PID 1 got to its end and the work disk says ok in the same words as
// its journal: steps cannot write the work partition outside their tree, so what
// the disk says is the PID 1's (docs/threat-model.md).
#pragma once

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/plan.hpp"

#include <string>
#include <string_view>

namespace builder {

// /result (its text) says "result ok" for plan.arch, lists every step of `plan`
// with status 0, and the journal has every one of them done with status 0.
// False with `why` saying what disagrees.
[[nodiscard]] bool ok_result_agrees(std::string_view result, const seedboot::Plan& plan,
                                    const seedboot::Journal& journal, std::string& why);

// For a run whose console said ok: the root image `root_sqfs` (its /plan) and the
// work file system of `disk` (a GPT disk or a bare work image). The file system
// must have been cleanly unmounted (no ext4 journal recovery pending: the PID 1
// reached its end), and its /result and /state must agree the run passed.
// False with `why` saying what the disk says instead.
[[nodiscard]] bool work_disk_says_ok(const std::string& root_sqfs, const std::string& disk,
                                     std::string& why);

} // namespace builder
