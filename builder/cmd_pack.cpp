// seedboot pack: image spec -> deterministic root squashfs.
#include "commands.hpp"
#include "root_image.hpp"
#include "spec.hpp"
#include "squashfs_image.hpp"

#include <cstdio>
#include <filesystem>

namespace builder {

int error(const std::string& what) {
    std::fprintf(stderr, "seedboot: error: %s\n", what.c_str());
    return 1;
}

int cmd_pack(const PackArgs& a) {
    Spec spec;
    RootImage img;
    std::string err;
    if (!load_spec(a.spec, spec, err)) return error(err);
    if (!a.sources.empty()) spec.sources_dir = std::filesystem::absolute(a.sources).string();
    if (!compose_root_image(spec, a.arch, a.init, a.build_dir, img, err)) return error(err);
    SquashfsOptions opt;
    opt.mtime = static_cast<uint32_t>(spec.epoch);
    opt.workers = a.workers ? a.workers : 1;
    opt.block_cache = a.block_cache;
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(a.out).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    SquashfsStats stats;
    if (!write_squashfs(img.entries, a.out, opt, err, &stats)) return error(err);
    std::printf("seedboot: packed %s for %s: %zu entries, %zu steps -> %s (%ju bytes; %s)\n",
                spec.name.c_str(), a.arch.c_str(), img.entries.size(), img.plan.steps.size(),
                a.out.c_str(), static_cast<uintmax_t>(std::filesystem::file_size(a.out, ec)),
                describe_stats(stats).c_str());
    return 0;
}

} // namespace builder
