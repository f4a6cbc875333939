// One committed layer of a run, as an OCI layer: an uncompressed tar (libarchive, pax
// restricted) in path order, every entry owned as the layer says, every time the image's
// epoch, so the same layer gives the same bytes on every host. A whiteout (c 0:0) becomes
// DIR/.wh.NAME and an opaque folder gets DIR/.wh..wh..opq, as the OCI image spec says; a
// file with more links than one is written once and then as hard links to it. The layer is
// checked against the digest its journal line committed while it is read.
#pragma once

#include "builder/readback/work_fs.hpp"

#include "libseedboot/format/layers.hpp"

#include <cstdint>
#include <string>

namespace builder {

// The tar of layer `ref` of the run on `fs`; false with `err` naming the layer when it
// cannot be read or does not match its committed digest.
[[nodiscard]] bool layer_tar(WorkFs& fs, const seedboot::LayerRef& ref, int64_t epoch,
                             std::string& tar, std::string& err);

// The merged root of `stack` as one tar (no whiteouts), after every layer is checked.
[[nodiscard]] bool squashed_tar(WorkFs& fs, const seedboot::Stack& stack, int64_t epoch,
                                std::string& tar, std::string& err);

// `tar` compressed with gzip as `gzip -n` does: no name, no time, so the same bytes each time.
// Tars beyond 4 GiB are refused (zlib's one-call interface).
[[nodiscard]] bool gzip_layer(const std::string& tar, std::string& gz, std::string& err);

} // namespace builder
