// Boot-time checks: nothing from the root image runs until it matches /manifest
// and every seed binary matches the assembly of its annotated hex0 source.
#pragma once

#include "libseedboot/format/manifest.hpp"

namespace init {

// Hashes everything under /seed and /sources and compares it with /manifest,
// reporting every difference (up to a few) with the path, expected and found.
// `verified`: the manifest, once it matches.
[[nodiscard]] bool verify_manifest(seedboot::Manifest& verified);

// For each /seed/NAME.hex0, /seed/NAME must be its exact assembly; any other
// file in /seed without a source is refused as unaudited.
[[nodiscard]] bool audit_seeds();

} // namespace init
