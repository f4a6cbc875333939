// The identity of a root image: a GUID derived from what the image runs (its /plan, its
// /manifest and its /init), stored in the image as /identity and given to the work partition
// made for it as its unique partition GUID (PARTUUID). The PID 1 writes only to a work
// partition whose PARTUUID is its own image's identity (init/work/work_disk.cpp), so a second
// seedboot disk attached to the same machine is never written to.
#pragma once

#include "builder/disk/gpt/gpt.hpp"

#include <string>

namespace builder {

inline constexpr const char* kIdentityPath = "/identity";

// The identity of an image with this plan and manifest text and this PID 1 (a host file).
[[nodiscard]] bool image_identity(const std::string& plan, const std::string& manifest,
                                  const std::string& init, Guid& out, std::string& err);

// The text of /identity: the canonical upper-case GUID and a newline.
std::string identity_file(const Guid& identity);

// Reads /identity from a root squashfs; an error names the image and what was wrong.
[[nodiscard]] bool read_image_identity(const std::string& root_image, Guid& out, std::string& err);

} // namespace builder
