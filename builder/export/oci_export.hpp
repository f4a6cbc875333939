// seedboot export: a build root of a finished run as an OCI image layout (image-spec 1.0),
// one gzip'd tar layer per committed layer of the root's stack, bottom first (or, --squash,
// one layer of the merged root), so that
// skopeo, podman and buildah take it as any image (`skopeo copy oci:DIR docker-daemon:...`).
//
//   DIR/oci-layout                 {"imageLayoutVersion":"1.0.0"}
//   DIR/index.json                 the one manifest, named by the root (ref.name)
//   DIR/blobs/sha256/HEX           the layers, the config and the manifest
//
// Every byte depends only on the layers and the run's plan (its arch and epoch): the same
// root exported twice, or from two runs that made the same layers, is the same layout.
// Written into DIR.partial and renamed to DIR when whole; DIR must not exist.
#pragma once

#include <string>

namespace builder {

struct ExportRequest {
    std::string image;   // a run's disk image or work image
    std::string root;    // "build", or a StageX stage's s-NAME
    std::string dir;     // the layout to make
    bool squash = false; // one layer: the merged root
};

// What was exported, for the console.
struct ExportResult {
    size_t layers = 0;
    uint64_t bytes = 0;   // of gzip'd layers
    std::string manifest; // sha256:HEX
};

[[nodiscard]] bool export_oci(const ExportRequest& req, ExportResult& out, std::string& err);

} // namespace builder
