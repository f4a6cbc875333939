// Reads a layer folder of the work partition as the layer format sees it
// (libseedboot/format/layers.hpp): every entry with its type, mode, owner and
// content, whiteouts and opaque folders included. What a step left in its upper
// layer is hostile: nothing is followed, every entry is opened by name relative to
// its parent with O_NOFOLLOW, and a file is hashed only through a descriptor of
// the regular file it is.
#pragma once

#include "libseedboot/format/layers.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace init {

// The entries of `dir`: "/" (the folder itself), then everything below it. False (the console says
// why) on a read error or a tree deeper than the scanner follows.
[[nodiscard]] bool scan_layer(const std::string& dir, std::vector<seedboot::LayerEntry>& out);

// scan_layer + layer_digest; `bytes`, when given, gets the size of its files' contents.
[[nodiscard]] bool digest_layer(const std::string& dir, seedboot::LayerDigest& out,
                                uint64_t* bytes = nullptr);

} // namespace init
