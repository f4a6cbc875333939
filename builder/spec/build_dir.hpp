// Where `make` leaves, per arch, what goes into an image besides the spec's files: the
// kernel (kernel-config/build-kernel.sh) and the static PID 1 (make init-ARCH). Specs name the
// same folder {build}.
#pragma once

#include "libseedboot/platform.hpp"

#include <string>

namespace builder {

inline std::string kernel_path(const std::string& build_dir, const seedboot::Arch& arch) {
    return build_dir + "/kernel/" + std::string(arch.name) + "/" + std::string(arch.kernel_file);
}

// "sha256 size path version" of the kernel source the kernel was built from (build-kernel.sh).
inline std::string kernel_source_path(const std::string& build_dir, const seedboot::Arch& arch) {
    return build_dir + "/kernel/" + std::string(arch.name) + "/source";
}

inline std::string pid1_path(const std::string& build_dir, const seedboot::Arch& arch) {
    return build_dir + "/guest/" + std::string(arch.name) + "/init/init";
}

} // namespace builder
