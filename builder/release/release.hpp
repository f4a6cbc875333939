// `seedboot release`: checks OUT/SHA256SUMS against the disk images, writes OUT/INPUTS (what a
// second builder needs to rebuild the images and compare), and signs both with
// minisign-compatible signatures named SHA256SUMS.minisig.NAME and INPUTS.minisig.NAME, which
// `seedboot verify --trust` counts towards M of N and `minisign -V` checks one at a time.
// Every file is written as an AtomicFile: a release that fails or is killed leaves each
// file whole, old or new.
#pragma once

#include <functional>
#include <string>

namespace builder {

struct ReleaseRequest {
    std::string dir;                 // the output of `seedboot images`
    std::string key;                 // secret key (minisign format; SEEDBOOT_KEY_PASSWORD)
    std::string name;                // builder name in the signature file names; "": the key id
    std::string specs = "images";    // as given to `seedboot images`
    std::string build_dir = "build"; // as given to `seedboot images`
};

// `say` gets what was checked and each file signed.
[[nodiscard]] bool make_release(const ReleaseRequest& r,
                                const std::function<void(const std::string&)>& say,
                                std::string& err);

} // namespace builder
