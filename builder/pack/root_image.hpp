// What goes into a root image: for a spec on one arch, /init, /seed, /sources, the compiled
// /plan, the /manifest that the PID 1 checks and the /identity of its work partition
// (image_identity.hpp); or a host folder as it is (pack-dir).
#pragma once

#include "builder/image/squashfs/squashfs.hpp"
#include "builder/spec/spec.hpp"

#include "libseedboot/format/plan.hpp"

#include <string>
#include <vector>

namespace builder {

struct RootImage {
    seedboot::Plan plan;
    std::string manifest;            // /manifest text
    std::vector<ImageEntry> entries; // everything in the image, /plan and /manifest included
};

// `init` is the static PID 1 built for `arch`; `build_dir` expands {build}.
[[nodiscard]] bool compose_root_image(const Spec& spec, const std::string& arch,
                                      const std::string& init, const std::string& build_dir,
                                      RootImage& out, std::string& err);

// Every entry of the host folder `dir`, which becomes the image's root, with normalized
// modes (libseedboot/format/tree.hpp). Lists the tree without reading its files: the packer
// reads each one once.
[[nodiscard]] bool dir_entries(const std::string& dir, std::vector<ImageEntry>& out,
                               std::string& err);

} // namespace builder
