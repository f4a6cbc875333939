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
bool layer_tar(WorkFs& fs, const seedboot::LayerRef& ref, int64_t epoch, std::string& tar,
               std::string& err);

} // namespace builder
