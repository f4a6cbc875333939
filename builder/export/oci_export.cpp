#include "oci_export.hpp"

#include "layer_tar.hpp"

#include "builder/readback/layered_root.hpp"

#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace builder {

namespace {

namespace fs = std::filesystem;

constexpr const char* kLayerType = "application/vnd.oci.image.layer.v1.tar+gzip";
constexpr const char* kConfigType = "application/vnd.oci.image.config.v1+json";
constexpr const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";

struct Descriptor {
    std::string type, digest;
    uint64_t size = 0;
};

// A JSON string; the names that reach it (roots, environment words) are printable ASCII.
std::string quote(const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') q += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            q += esc;
            continue;
        }
        q += c;
    }
    return q + "\"";
}

std::string json(const Descriptor& d) {
    return "{\"mediaType\":" + quote(d.type) + ",\"digest\":" + quote(d.digest) +
           ",\"size\":" + std::to_string(d.size) + "}";
}

// OCI's names for the arches (GOARCH).
std::string oci_arch(const std::string& arch) {
    if (arch == "x86_64") return "amd64";
    if (arch == "aarch64") return "arm64";
    return arch == "i386" ? "386" : arch;
}

std::string rfc3339(int64_t epoch) {
    std::time_t t = epoch;
    std::tm tm{};
    char buf[32];
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

[[nodiscard]] bool blob(const std::string& dir, const std::string& type, const std::string& data,
                        Descriptor& d, std::string& err) {
    std::string hex = seedboot::sha256_hex(data);
    d = {type, "sha256:" + hex, data.size()};
    return seedboot::write_file_atomic(dir + "/blobs/sha256/" + hex, data, 0644, err);
}

std::string config_json(const seedboot::Plan& plan, const std::vector<std::string>& diff_ids) {
    std::string env, ids;
    for (const auto& e : plan.env) env += (env.empty() ? "" : ",") + quote(e);
    for (const auto& id : diff_ids) ids += (ids.empty() ? "" : ",") + quote(id);
    return "{\"architecture\":" + quote(oci_arch(plan.arch)) +
           (plan.arch == "aarch64" ? ",\"variant\":\"v8\"" : "") + ",\"config\":{\"Env\":[" + env +
           "]},\"created\":" + quote(rfc3339(int64_t(plan.epoch))) +
           ",\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[" + ids + "],\"type\":\"layers\"}}";
}

[[nodiscard]] bool write_layout(WorkFs& wfs, const seedboot::Plan& plan,
                                const seedboot::Stack& stack, const ExportRequest& req,
                                const std::string& dir, ExportResult& out, std::string& err) {
    std::vector<Descriptor> layers;
    std::vector<std::string> diff_ids;
    size_t count = req.squash ? 1 : stack.layers.size();
    for (size_t i = 0; i < count; ++i) {
        std::string tar, gz;
        Descriptor d;
        bool made = req.squash ? squashed_tar(wfs, stack, int64_t(plan.epoch), tar, err)
                               : layer_tar(wfs, stack.layers[i], int64_t(plan.epoch), tar, err);
        if (!made || !gzip_layer(tar, gz, err) || !blob(dir, kLayerType, gz, d, err)) return false;
        layers.push_back(d);
        diff_ids.push_back("sha256:" + seedboot::sha256_hex(tar)); // of the tar, not the gzip
        out.bytes += d.size;
    }
    Descriptor config, manifest;
    if (!blob(dir, kConfigType, config_json(plan, diff_ids), config, err)) return false;
    std::string list;
    for (const auto& l : layers) list += (list.empty() ? "" : ",") + json(l);
    std::string m = "{\"schemaVersion\":2,\"mediaType\":" + quote(kManifestType) +
                    ",\"config\":" + json(config) + ",\"layers\":[" + list + "]}";
    if (!blob(dir, kManifestType, m, manifest, err)) return false;
    std::string index =
        "{\"schemaVersion\":2,\"mediaType\":" + quote("application/vnd.oci.image.index.v1+json") +
        ",\"manifests\":[" + json(manifest).substr(0, json(manifest).size() - 1) +
        ",\"annotations\":{\"org.opencontainers.image.ref.name\":" + quote(req.root) + "}}]}";
    out.layers = layers.size();
    out.manifest = manifest.digest;
    return seedboot::write_file_atomic(dir + "/index.json", index, 0644, err) &&
           seedboot::write_file_atomic(dir + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}",
                                       0644, err);
}

} // namespace

[[nodiscard]] bool export_oci(const ExportRequest& req, ExportResult& out, std::string& err) {
    std::error_code ec;
    if (fs::symlink_status(req.dir, ec).type() != fs::file_type::not_found) {
        err = "--oci " + req.dir + " exists (expected a new folder to make the layout in)";
        return false;
    }
    WorkFs wfs;
    RunRecord run;
    seedboot::Stack stack;
    if (!open_work_fs(req.image, wfs, err) || !read_run(wfs, run, err) ||
        !find_root(run, req.root, stack, err))
        return (err = req.image + ": " + err), false;
    std::string partial = req.dir + ".partial";
    fs::remove_all(partial, ec);
    if (!fs::create_directories(partial + "/blobs/sha256", ec)) {
        err = "make " + partial + ": " + ec.message();
        return false;
    }
    if (!write_layout(wfs, run.plan, stack, req, partial, out, err)) {
        fs::remove_all(partial, ec);
        err = req.image + ": " + err;
        return false;
    }
    fs::rename(partial, req.dir, ec);
    if (!ec) return true;
    err = "rename " + partial + " to " + req.dir + ": " + ec.message();
    return false;
}

} // namespace builder
