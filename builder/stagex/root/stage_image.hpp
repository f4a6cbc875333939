// Our own earlier stage as a source of a later one. `FROM stagex/bootstrap-stage0` and
// `COPY --from=stagex/bootstrap-stage0` read the squashfs `make stagex-0` packed; it is
// written out under the root image's /sources/stagex/image/NAME, so the PID 1 verifies and
// copies it like every other source the image carries.
#pragma once

#include <string>

namespace builder {

// Writes every entry of the squashfs `image` (folders, files, symlinks, with their modes)
// into the existing, empty folder `dest`. On error, `err` names the image and what was wrong.
[[nodiscard]] bool unpack_stage_image(const std::string& image, const std::string& dest,
                                      std::string& err);

} // namespace builder
