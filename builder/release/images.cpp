#include "images.hpp"

#include "assets.hpp"
#include "sums.hpp"

#include "builder/disk/disk_image.hpp"
#include "builder/image/image_identity.hpp"
#include "builder/pack/pack.hpp"
#include "builder/spec/locate.hpp"
#include "builder/spec/spec.hpp"

#include "libseedboot/platform.hpp"
#include "libseedboot/sys/atomic_file.hpp"

#include <algorithm>
#include <filesystem>
#include <vector>

namespace builder {

namespace {

namespace fs = std::filesystem;

// The first locked source of `spec` that is not supplied, or "".
std::string missing_source(const Spec& spec, const std::string& arch, const std::string& build) {
    // What the user supplies (a locked source, a StageX tree and its fetched files) or an
    // earlier `make` target leaves in {build} or out/ (a stage's extracted or packed output).
    auto supplied = [](const std::string& pattern, bool locked) {
        return locked || pattern.find("{build}") != std::string::npos ||
               pattern.find("{sources}") != std::string::npos;
    };
    for (const auto& src : spec.sources) {
        std::string host = host_path(spec, src.path, arch, build);
        if (supplied(src.path, !src.lock.empty()) && !fs::exists(host)) return host;
    }
    if (!spec.has_stagex) return "";
    std::vector<std::string> patterns = {spec.stagex.tree, spec.stagex.fetch};
    for (const auto& [name, image] : spec.stagex.images) patterns.push_back(image);
    for (const auto& pattern : patterns) {
        std::string host = host_path(spec, pattern, arch, build);
        if (!fs::exists(host)) return host;
    }
    return "";
}

// One spec on one arch: the root squashfs, then the disk; `name` gets the disk's file name.
[[nodiscard]] bool build_one(const ImagesRequest& r, const Spec& spec, const seedboot::Arch& arch,
                             const std::function<void(const std::string&)>& say, std::string& name,
                             std::string& err) {
    std::string base = spec.name + "-" + std::string(arch.name);
    name = base + ".img";
    PackRequest pack{.spec = spec.file,
                     .arch = std::string(arch.name),
                     .init = "", // found as spec/locate.hpp says
                     .build_dir = r.build_dir,
                     .sources = r.sources,
                     .out = r.out + "/" + base + ".sqfs",
                     .block_cache = r.block_cache};
    PackResult packed;
    if (!pack_spec(pack, packed, err)) return false;
    say(describe(pack, packed));
    Located kernel;
    if (!locate_kernel("", r.build_dir, arch, kernel, err)) return false;
    DiskContent c{.arch = std::string(arch.name),
                  .kernel = kernel.path,
                  .root = pack.out,
                  .work_size = spec.work_size,
                  .epoch = spec.epoch};
    if (c.work_size && !read_image_identity(pack.out, c.work_identity, err)) return false;
    return make_disk(c, r.out + "/" + name, err);
}

} // namespace

[[nodiscard]] bool build_images(const ImagesRequest& r,
                                const std::function<void(const std::string&)>& say, size_t& count,
                                std::string& err) {
    std::vector<std::string> specs;
    const AssetsRequest assets{r.build_dir, r.out, r.clis, r.assets};
    if (!list_specs(r.specs, specs, err) || !check_assets(assets, err)) return false;
    std::error_code ec;
    fs::create_directories(r.out, ec);
    std::vector<Sum> sums;
    std::vector<const seedboot::Arch*> arches; // that have an image, in kArches's order
    for (const auto& path : specs) {
        Spec spec;
        if (!load_spec(path, spec, err) || !apply_options(spec, r.sources, "", err)) return false;
        for (const auto& arch : spec.arches) {
            std::string missing = missing_source(spec, arch, r.build_dir);
            if (r.skip_missing && !missing.empty()) {
                say("seedboot: skipped " + spec.name + " on " + arch + ": " + missing +
                    " is not supplied");
                continue;
            }
            std::string name;
            sums.emplace_back();
            if (!build_one(r, spec, *seedboot::find_arch(arch), say, name, err) ||
                !sum_of(r.out, name, sums.back(), err))
                return false;
            arches.push_back(seedboot::find_arch(arch));
        }
    }
    count = sums.size();
    std::sort(arches.begin(), arches.end());
    arches.erase(std::unique(arches.begin(), arches.end()), arches.end());
    if (!write_assets(assets, arches, sums, err)) return false;
    std::string names;
    for (size_t i = count; i < sums.size(); ++i) names += (i == count ? "" : ", ") + sums[i].name;
    if (!names.empty()) say("seedboot: release assets: " + names);
    return seedboot::write_file_atomic(r.out + "/SHA256SUMS", format_sums(std::move(sums)), 0644,
                                       err);
}

} // namespace builder
