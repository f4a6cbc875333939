// Root images written to a file: a spec on one arch (`seedboot pack`, and the packing that
// `boot` and `images` do) or a host folder as it is (`seedboot pack-dir`). The same request
// gives the same bytes, whatever the block cache holds and however many threads compress.
#pragma once

#include "builder/image/squashfs/squashfs.hpp"
#include "builder/spec/locate.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace builder {

struct PackRequest {
    std::string spec;        // images/NAME.toml
    std::string arch;        // one of the spec's arches
    std::string init;        // the static PID 1 for `arch`; empty: found (spec/locate.hpp)
    std::string build_dir;   // what {build} in the spec stands for
    std::string sources;     // {sources}; empty: the spec's default (../sources)
    std::string until;       // the last step to run (a StageX step, or a spec's); empty: all
    std::string out;         // the root image to write (its folder is made if need be)
    unsigned workers = 2;    // compression threads
    std::string block_cache; // folder of compressed blocks kept across runs; empty: none
};

struct PackDirRequest {
    std::string dir;         // the folder to pack
    std::string out;         // the image to write
    uint64_t epoch = 1;      // every mtime
    std::string block_cache; // as in PackRequest
};

struct PackResult {
    std::string name;    // the spec's name, or the folder
    size_t entries = 0;  // in the image
    size_t steps = 0;    // in its plan (specs only)
    SquashfsStats stats; // blocks compressed and reused
    uint64_t bytes = 0;  // of the image written
    Located pid1;        // the PID 1 packed as /init (specs only)
};

// The PID 1 must pass the static preflight (pid1_preflight.hpp) for `arch`.
[[nodiscard]] bool pack_spec(const PackRequest& r, PackResult& out, std::string& err);
[[nodiscard]] bool pack_dir(const PackDirRequest& r, PackResult& out, std::string& err);

// The summary line of a pack: "seedboot: packed default for x86_64: 23 entries, 5 steps ->
// out/r.sqfs (1234 bytes; 40 blocks: 3 compressed, 37 reused)".
std::string describe(const PackRequest& r, const PackResult& p);
std::string describe(const PackDirRequest& r, const PackResult& p);

} // namespace builder
