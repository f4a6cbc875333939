// What tells seedboot's CLI apart from another static program (a PID 1 given as --cli by
// mistake passes the static preflight just as well). The CLI holds this text because it links
// the code that looks for it (assets.cpp): every program that can run `seedboot images` has it.
#pragma once

#include <string_view>

namespace builder {

inline constexpr std::string_view kCliMark = "seedboot-cli-mark: the seedboot command line";

} // namespace builder
