#include "builder/pack/pack.hpp"

#include "builder/image/pid1_preflight.hpp"
#include "builder/pack/root_image.hpp"

#include "builder/spec/locate.hpp"
#include "builder/spec/spec.hpp"

#include <filesystem>

namespace builder {

namespace {

// The image's PID 1 (spec/locate.hpp), held to the static preflight.
[[nodiscard]] bool pid1_for(const PackRequest& r, const Spec& spec, Located& pid1,
                            std::string& err) {
    if (!check_arch(spec, r.arch, err)) return false;
    ElfFacts facts;
    const seedboot::Arch& arch = *seedboot::find_arch(r.arch);
    return locate_pid1(r.init, r.build_dir, arch, pid1, err) &&
           preflight_pid1(pid1.path, &arch, facts, err);
}

} // namespace

[[nodiscard]] bool pack_spec(const PackRequest& r, PackResult& out, std::string& err) {
    Spec spec;
    RootImage img;
    if (!load_spec(r.spec, spec, err)) return false;
    if (!apply_options(spec, r.sources, r.until, err)) return false;
    if (!pid1_for(r, spec, out.pid1, err) ||
        !compose_root_image(spec, r.arch, out.pid1.path, r.build_dir, img, err))
        return false;
    SquashfsOptions opt;
    opt.mtime = static_cast<uint32_t>(spec.epoch);
    opt.workers = r.workers ? r.workers : 1;
    opt.block_cache = r.block_cache;
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(r.out).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    out.name = spec.name;
    out.entries = img.entries.size();
    out.steps = img.plan.steps.size();
    if (!write_squashfs(img.entries, r.out, opt, err, &out.stats)) return false;
    out.bytes = std::filesystem::file_size(r.out, ec);
    return true;
}

[[nodiscard]] bool pack_dir(const PackDirRequest& r, PackResult& out, std::string& err) {
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
    // A PID 1 that was not named on the command line is named here, with where it came from.
    bool usual = p.pid1.origin == Origin::option || p.pid1.origin == Origin::build_folder;
    std::string pid1 = usual ? ""
                             : "seedboot: PID 1 from " + p.pid1.from + ": " + p.pid1.path +
                                   " (static: preflight passed)\n";
    return pid1 + "seedboot: packed " + p.name + " for " + r.arch + ": " +
           std::to_string(p.entries) + " entries, " + std::to_string(p.steps) + " steps -> " +
           r.out + " (" + std::to_string(p.bytes) + " bytes; " + describe_stats(p.stats) + ")";
}

std::string describe(const PackDirRequest& r, const PackResult& p) {
    return "seedboot: packed " + p.name + " (" + std::to_string(p.entries) + " entries; " +
           describe_stats(p.stats) + ") -> " + r.out;
}

} // namespace builder
