// Where the PID 1 and the kernel of an image come from, for one arch. The first that is set
// wins, and each is checked to exist:
//   1. the file given on the command line (--init, --kernel);
//   2. $SEEDBOOT_INIT_<arch> or $SEEDBOOT_KERNEL_<arch> (arch as specs spell it): the embed
//      path, a prebuilt file that a distribution or a release ships;
//   3. the build folder's, as `make init-ARCH` and `make kernel-ARCH` leave them
//      (build_dir.hpp), when it exists there;
//   4. the installed ones, PREFIX/lib/seedboot/<arch>/, beside PREFIX/bin/seedboot
//      (`make install`).
// The PID 1 still goes through the static preflight (image/pid1_preflight.hpp) before use.
#pragma once

#include "libseedboot/platform.hpp"

#include <string>

namespace builder {

enum class Origin { option, environment, build_folder, installation };

struct Located {
    std::string path;
    Origin origin = Origin::option;
    std::string from; // for messages: "--init", "$SEEDBOOT_INIT_x86_64", "the installation"...
};

[[nodiscard]] bool locate_pid1(const std::string& given, const std::string& build_dir,
                               const seedboot::Arch& arch, Located& out, std::string& err);
[[nodiscard]] bool locate_kernel(const std::string& given, const std::string& build_dir,
                                 const seedboot::Arch& arch, Located& out, std::string& err);

// PREFIX/lib/seedboot/<arch>/ for the running seedboot at PREFIX/bin/seedboot.
std::string installed_dir(const seedboot::Arch& arch);

} // namespace builder
