// The static-PID-1 preflight: before a PID 1 goes into an image or a release, its ELF headers
// are read (libelf) and it is refused unless the kernel can run it as /init with nothing else
// in the root: an executable of the arch's machine and class, with no program interpreter
// (PT_INTERP) and no shared library to load (DT_NEEDED), whose segments all lie in the file.
// A static-pie binary (ET_DYN with a PT_DYNAMIC but no DT_NEEDED) passes.
#pragma once

#include "libseedboot/platform.hpp"

#include <string>

namespace builder {

struct ElfFacts {
    const seedboot::Arch* arch = nullptr; // the arch whose machine and class it has; null: none
    std::string machine;                  // e.g. "EM_X86_64, 64-bit", for messages
};

// Reads `path` and checks it as a static PID 1. `want` null: any of seedboot's arches. On
// success `facts` says which arch it is for; on failure `err` names the file, what is wrong
// and what was expected.
[[nodiscard]] bool preflight_pid1(const std::string& path, const seedboot::Arch* want,
                                  ElfFacts& facts, std::string& err);

} // namespace builder
