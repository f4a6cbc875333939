#include "pack.hpp"

#include "root_image.hpp"

#include "builder/spec/spec.hpp"

#include <filesystem>

namespace builder {

bool pack_spec(const PackRequest& r, PackResult& out, std::string& err) {
    Spec spec;
    RootImage img;
    if (!load_spec(r.spec, spec, err)) return false;
    if (!apply_options(spec, r.sources, r.until, err)) return false;
    if (!compose_root_image(spec, r.arch, r.init, r.build_dir, img, err)) return false;
    SquashfsOptions opt;
    opt.mtime = static_cast<uint32_t>(spec.epoch);
    opt.workers = r.workers ? r.workers : 1;
    opt.block_cache = r.block_cache;
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(r.out).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    out = PackResult{
        .name = spec.name, .entries = img.entries.size(), .steps = img.plan.steps.size()};
    if (!write_squashfs(img.entries, r.out, opt, err, &out.stats)) return false;
    out.bytes = std::filesystem::file_size(r.out, ec);
    return true;
}

bool pack_dir(const PackDirRequest& r, PackResult& out, std::string& err) {
    std::vector<ImageEntry> entries;
    if (!dir_entries(r.dir, entries, err)) return false;
    SquashfsOptions opt;
    opt.mtime = static_cast<uint32_t>(r.epoch);
    opt.block_cache = r.block_cache;
    out = PackResult{.name = r.dir, .entries = entries.size()};
    if (!write_squashfs(entries, r.out, opt, err, &out.stats)) return false;
    std::error_code ec;
    out.bytes = std::filesystem::file_size(r.out, ec);
    return true;
}

std::string describe(const PackRequest& r, const PackResult& p) {
    return "seedboot: packed " + p.name + " for " + r.arch + ": " + std::to_string(p.entries) +
           " entries, " + std::to_string(p.steps) + " steps -> " + r.out + " (" +
           std::to_string(p.bytes) + " bytes; " + describe_stats(p.stats) + ")";
}

std::string describe(const PackDirRequest& r, const PackResult& p) {
    return "seedboot: packed " + p.name + " (" + std::to_string(p.entries) + " entries; " +
           describe_stats(p.stats) + ") -> " + r.out;
}

} // namespace builder
