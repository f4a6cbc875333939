// `seedboot images`: every spec in a folder, for every arch it names, as one UEFI-bootable
// disk (ESP + root + work) in the output folder, the release assets of each arch that has an
// image (assets.hpp: its PID 1, kernel and kernel config) and any extra asset, and SHA256SUMS
// over them all. The same inputs give the same bytes; the block cache only saves time.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace builder {

struct ImagesRequest {
    std::string specs = "images";    // folder of image specs
    std::string build_dir = "build"; // where the kernels and PID 1s were built
    std::string out = "out";         // the folder for OUT/SPEC-ARCH.img and OUT/SHA256SUMS
    std::string sources;             // {sources}; empty: each spec's default
    bool skip_missing = false;       // leave out specs whose locked sources are not supplied
    std::string block_cache;         // for every root image; empty: none
    std::vector<std::string> clis;   // static seedboot CLIs to ship as seedboot-ARCH
    std::vector<std::string> assets; // extra files to ship, copied in under their own names
};

// Builds them all; `say` gets one line for each image packed or left out. `count` is the
// number of disk images SHA256SUMS lists (the assets are not counted).
[[nodiscard]] bool build_images(const ImagesRequest& r,
                                const std::function<void(const std::string&)>& say, size_t& count,
                                std::string& err);

} // namespace builder
