// Turns a spec into the content of one arch's root image: /init, /seed,
// /sources, the compiled /plan, the /manifest that the PID 1 checks and the
// /identity of its work partition (image_identity.hpp).
#pragma once

#include "spec.hpp"
#include "squashfs_image.hpp"

#include "plan.hpp"

#include <string>
#include <vector>

namespace builder {

struct RootImage {
    seedboot::Plan plan;
    std::string manifest;            // /manifest text
    std::vector<ImageEntry> entries; // everything in the image, /plan and /manifest included
};

// `init` is the static PID 1 built for `arch`; `build_dir` expands {build}.
bool compose_root_image(const Spec& spec, const std::string& arch, const std::string& init,
                        const std::string& build_dir, RootImage& out, std::string& err);

// The modes an image keeps: 0755 for directories and anything executable, 0644
// for other files, so that a checkout's umask or chmod history cannot leak in.
uint32_t normalized_mode(char type, uint32_t host_mode);

} // namespace builder
