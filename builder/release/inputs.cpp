#include "inputs.hpp"

#include "builder/spec/build_dir.hpp"
#include "builder/spec/locate.hpp"
#include "builder/spec/spec.hpp"

#include "libseedboot/format/tree_digest.hpp"
#include "libseedboot/platform.hpp"
#include "libseedboot/sys/files.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <filesystem>
#include <sstream>
#include <vector>

#ifndef SEEDBOOT_VERSION
#error "SEEDBOOT_VERSION must be defined (builder/release/CMakeLists.txt passes it)"
#endif

namespace builder {

const char* const kSeedbootVersion = SEEDBOOT_VERSION;

namespace {

namespace fs = std::filesystem;

struct Namer {
    fs::path root, build;

    static bool under(const fs::path& base, const fs::path& p, std::string& rel) {
        fs::path r = p.lexically_relative(base);
        rel = r.string();
        return !r.empty() && *r.begin() != "..";
    }
    bool name(const fs::path& host, std::string& out) const {
        fs::path p = fs::absolute(host).lexically_normal();
        std::string rel;
        if (under(build, p, rel))
            out = "{build}/" + rel;
        else if (under(root, p, rel))
            out = rel;
        else
            return false;
        return true;
    }
};

[[nodiscard]] bool add_file(const Namer& nm, const fs::path& host, Inputs& inputs,
                            std::string& err) {
    std::string name, hex;
    if (!nm.name(host, name)) {
        err = host.string() + ": outside the repository and the build folder (INPUTS names "
                              "files relative to one of them)";
        return false;
    }
    uint64_t size = 0;
    if (!seedboot::sha256_file(host.string(), hex, size, err)) return false;
    inputs[name] = hex;
    return true;
}

// A file, or every file below a folder. Symbolic links are refused: a line in INPUTS is the
// hash of a file's bytes, which a link does not have.
[[nodiscard]] bool add_path(const Namer& nm, const fs::path& host, Inputs& inputs,
                            std::string& err) {
    std::error_code ec;
    auto st = fs::symlink_status(host, ec);
    if (fs::is_regular_file(st)) return add_file(nm, host, inputs, err);
    if (!fs::is_directory(st)) {
        err = host.string() + ": " + (ec ? ec.message() : "not a regular file or folder") +
              " (expected an input of an image that SHA256SUMS lists)";
        return false;
    }
    for (auto it = fs::recursive_directory_iterator(host, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        auto s = it->symlink_status(ec);
        if (ec || fs::is_directory(s)) continue;
        if (!fs::is_regular_file(s)) {
            err = it->path().string() + ": not a regular file (INPUTS lists file hashes)";
            return false;
        }
        if (!add_file(nm, it->path(), inputs, err)) return false;
    }
    if (ec) err = host.string() + ": " + ec.message();
    return !ec;
}

[[nodiscard]] bool below_any(const std::vector<fs::path>& dirs, const fs::path& p) {
    std::string rel;
    for (const auto& d : dirs)
        if (p == d || Namer::under(d, p, rel)) return true;
    return false;
}

// The kernel source an arch's kernel was really built from: build-kernel.sh records
// "sha256 size path version..." beside the kernel (a smoke build may use a source that
// differs from kernel-config/source.lock; make release refuses one that does).
[[nodiscard]] bool add_kernel_source(const std::string& build, const seedboot::Arch& arch,
                                     Inputs& inputs, std::string& err) {
    std::string record = kernel_source_path(build, arch), text;
    if (!seedboot::read_file(record, "kernel source record", text, err)) {
        err += " (written by kernel-config/build-kernel.sh: make kernel-" + std::string(arch.name) +
               ")";
        return false;
    }
    std::istringstream words(text);
    std::string sha, size, path;
    if (!(words >> sha >> size >> path) || !seedboot::is_sha256_hex(sha)) {
        err = record + ": '" + text.substr(0, text.find('\n')) +
              "' (expected 'SHA256 SIZE PATH VERSION', as build-kernel.sh writes it)";
        return false;
    }
    inputs[path] = sha;
    return true;
}

// A StageX stage's output that `make stagex-N` extracted into {build}/stagex/ is also named
// by its tree digest, "SHA  {build}/stagex/stage0-out/ (tree digest)": the number the stage's
// /result records for its package root, so that two builders compare stage by stage.
[[nodiscard]] bool add_stage_digests(const Spec& spec, const seedboot::Arch& arch,
                                     const std::string& build, const Namer& nm, Inputs& inputs,
                                     std::string& err) {
    for (const auto& src : spec.sources) {
        fs::path host = fs::absolute(host_path(spec, src.path, std::string(arch.name), build))
                            .lexically_normal();
        std::string name;
        if (!fs::is_directory(host) || !nm.name(host, name) || !name.starts_with("{build}/stagex/"))
            continue;
        seedboot::TreeDigest d;
        if (!seedboot::tree_digest(host.string(), d, err)) return false;
        inputs[name + "/ (tree digest)"] = d.sha256;
    }
    return true;
}

// The PID 1 or kernel an image holds: by its path in the repository or build folder, or, for
// a prebuilt one from elsewhere (the embed path, an installation), as {prebuilt}/ASSET-NAME,
// the name a release ships it under: a second builder compares its hash, not its folder.
[[nodiscard]] bool add_binary(const Namer& nm, const Located& file, const std::string& asset,
                              const seedboot::Arch& arch, Inputs& inputs, std::string& err) {
    std::string name, hex;
    if (nm.name(file.path, name)) return add_file(nm, file.path, inputs, err);
    uint64_t size = 0;
    if (!seedboot::sha256_file(file.path, hex, size, err)) return false;
    inputs["{prebuilt}/" + asset + std::string(arch.name)] = hex;
    return true;
}

// What one spec puts into its image on `arch`: the kernel and PID 1 from the build folder,
// the seeds and the sources. A locked upstream source (and seeds inside it) is named by its
// lock in rootfs/locks, not by its files, which the user supplies from outside.
[[nodiscard]] bool add_spec_files(const Spec& spec, const seedboot::Arch& arch,
                                  const std::string& build, const Namer& nm, Inputs& inputs,
                                  std::string& err) {
    Located kernel, pid1;
    if (!locate_kernel("", build, arch, kernel, err) || !locate_pid1("", build, arch, pid1, err) ||
        !add_binary(nm, pid1, "seedboot-init-", arch, inputs, err) ||
        !add_binary(nm, kernel, "seedboot-kernel-", arch, inputs, err))
        return false;
    std::vector<fs::path> locked, files;
    for (const auto& src : spec.sources) {
        if (!applies_to(src.arches, std::string(arch.name))) continue;
        fs::path host = fs::absolute(host_path(spec, src.path, std::string(arch.name), build))
                            .lexically_normal();
        (src.lock.empty() ? files : locked).push_back(host);
    }
    for (const auto& seed : spec.seeds)
        for (const auto* pattern : {&seed.binary, &seed.source})
            files.push_back(fs::absolute(host_path(spec, *pattern, std::string(arch.name), build))
                                .lexically_normal());
    for (const auto& [name, image] : spec.stagex.images)
        files.push_back(
            fs::absolute(host_path(spec, image, std::string(arch.name), build)).lexically_normal());
    for (const auto& f : files)
        if (!below_any(locked, f) && !add_path(nm, f, inputs, err)) return false;
    // A prebuilt kernel has no build record: its own hash is what a second builder compares.
    return add_stage_digests(spec, arch, build, nm, inputs, err) &&
           (kernel.origin != Origin::build_folder || add_kernel_source(build, arch, inputs, err));
}

// Every spec file, and what went into each image that SHA256SUMS lists (an image that
// `seedboot images --skip-missing` left out has no inputs to name).
[[nodiscard]] bool add_specs(const InputsRequest& r, const std::set<std::string>& images,
                             const Namer& nm, Inputs& inputs, std::string& err) {
    std::vector<std::string> specs;
    if (!list_specs(r.specs, specs, err)) {
        err += " (expected the folder of image specs given to seedboot images)";
        return false;
    }
    for (const auto& path : specs) {
        Spec spec;
        if (!add_file(nm, path, inputs, err) || !load_spec(path, spec, err)) return false;
        for (const auto& name : spec.arches) {
            const seedboot::Arch* arch = seedboot::find_arch(name); // load_spec checked it
            if (images.count(spec.name + "-" + name + ".img") &&
                !add_spec_files(spec, *arch, r.build_dir, nm, inputs, err))
                return false;
        }
    }
    return true;
}

} // namespace

[[nodiscard]] bool collect_inputs(const InputsRequest& r, const std::set<std::string>& images,
                                  Inputs& out, std::string& err) {
    std::error_code ec;
    Namer nm{fs::current_path(ec), fs::absolute(r.build_dir, ec).lexically_normal()};
    for (const char* dir : {"rootfs", "kernel-config"})
        if (!fs::is_directory(dir, ec)) {
            err = std::string(dir) + ": not found (run seedboot release from the repository root)";
            return false;
        }
    Inputs inputs;
    if (!add_specs(r, images, nm, inputs, err) || !add_path(nm, "rootfs", inputs, err) ||
        !add_path(nm, "kernel-config", inputs, err))
        return false;
    out = std::move(inputs);
    return true;
}

std::string format_inputs(const Inputs& inputs) {
    std::string text = "version " + std::string(kSeedbootVersion) + "\n";
    for (const auto& [path, hex] : inputs) text += hex + "  " + path + "\n";
    return text;
}

} // namespace builder
