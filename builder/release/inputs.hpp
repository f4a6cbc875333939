// INPUTS: what the disk images of a release were built from, so that a second builder can
// rebuild them and compare. The first line is "version X.Y.Z" (of seedboot), then one
// "sha256  path" line per input, sorted by path: the image specs, every file under rootfs/
// and kernel-config/, the files the specs reference, the kernel source tarball (as its lock
// names it), and the kernels and PID 1s the images hold, as {build}/kernel/ARCH/... and
// {build}/guest/ARCH/... (or, prebuilt ones from elsewhere, {prebuilt}/seedboot-init-ARCH and
// {prebuilt}/seedboot-kernel-ARCH). The release assets are copies of those. No times, host names or
// folders of the builder: the same inputs give the same bytes.
#pragma once

#include <map>
#include <set>
#include <string>

namespace builder {

// The version of this seedboot ("X.Y.Z"): INPUTS names it, and so does every signature.
extern const char* const kSeedbootVersion;

// Path as written in INPUTS -> sha256. A map, so the lines come out sorted.
using Inputs = std::map<std::string, std::string>;

struct InputsRequest {
    std::string specs = "images";    // the folder of image specs given to `seedboot images`
    std::string build_dir = "build"; // where the kernels and PID 1s were built
};

// The inputs of the disk images named in `images` (NAME-ARCH.img, as SHA256SUMS lists them),
// read from the repository root (the current folder).
[[nodiscard]] bool collect_inputs(const InputsRequest& r, const std::set<std::string>& images,
                                  Inputs& out, std::string& err);

std::string format_inputs(const Inputs& inputs);

} // namespace builder
