// seedboot images: every spec in a folder, for every arch it names, as one
// UEFI-bootable disk (ESP + root + work) in OUT, with OUT/SHA256SUMS.
#include "commands.hpp"
#include "disk_image.hpp"
#include "spec.hpp"

#include "sha256.hpp"

#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace builder {

namespace fs = std::filesystem;

namespace {

std::string kernel_for(const std::string& build, const std::string& arch) {
    return build + "/kernel/" + arch + (arch == "aarch64" ? "/Image" : "/bzImage");
}

bool digest_line(const std::string& path, const std::string& name, std::string& line,
                 std::string& err) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    std::string hex;
    uint64_t size = 0;
    bool ok = fd >= 0 && seedboot::sha256_fd(fd, hex, size);
    if (fd >= 0) ::close(fd);
    if (!ok) err = path + ": cannot read back the image";
    line = hex + "  " + name + "\n";
    return ok;
}

// One spec on one arch: root squashfs, then the disk; returns the disk's name.
bool build_one(const ImagesArgs& a, const Spec& spec, const std::string& arch, std::string& name,
               std::string& err) {
    name = spec.name + "-" + arch + ".img";
    std::string root = a.out + "/" + spec.name + "-" + arch + ".sqfs";
    std::string init = a.build_dir + "/guest/" + arch + "/init/init";
    PackArgs pack{spec.file, arch, init, a.build_dir, root, 2, a.sources, a.block_cache};
    if (cmd_pack(pack) != 0) {
        err = "packing " + spec.file + " for " + arch + " failed";
        return false;
    }
    DiskContent c{arch, kernel_for(a.build_dir, arch), root, spec.work_size, spec.epoch};
    return make_disk(c, a.out + "/" + name, err);
}

// The first locked source of `spec` that is not supplied, or "".
std::string missing_source(const Spec& spec, const std::string& arch, const std::string& build) {
    for (const auto& src : spec.sources) {
        std::string host = host_path(spec, src.path, arch, build);
        if (!src.lock.empty() && !fs::exists(host)) return host;
    }
    return "";
}

} // namespace

int cmd_images(const ImagesArgs& a) {
    std::vector<std::string> specs;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(a.specs, ec))
        if (e.path().extension() == ".toml") specs.push_back(e.path().string());
    if (ec) return error(a.specs + ": " + ec.message());
    if (specs.empty()) return error(a.specs + ": no image specs (*.toml)");
    std::sort(specs.begin(), specs.end());
    fs::create_directories(a.out, ec);
    std::vector<std::pair<std::string, std::string>> sums; // name, line
    std::string err;
    for (const auto& path : specs) {
        Spec spec;
        if (!load_spec(path, spec, err)) return error(err);
        if (!a.sources.empty()) spec.sources_dir = fs::absolute(a.sources).string();
        for (const auto& arch : spec.arches) {
            std::string missing = missing_source(spec, arch, a.build_dir);
            if (a.skip_missing && !missing.empty()) {
                std::printf("seedboot: skipped %s on %s: %s is not supplied\n", spec.name.c_str(),
                            arch.c_str(), missing.c_str());
                continue;
            }
            std::string name, line;
            if (!build_one(a, spec, arch, name, err) ||
                !digest_line(a.out + "/" + name, name, line, err))
                return error(err);
            sums.emplace_back(name, line);
        }
    }
    std::sort(sums.begin(), sums.end());
    std::ofstream f(a.out + "/SHA256SUMS", std::ios::trunc);
    for (const auto& [name, line] : sums) f << line;
    if (!f.flush()) return error(a.out + "/SHA256SUMS: cannot write");
    std::printf("seedboot: %zu disk images and SHA256SUMS in %s\n", sums.size(), a.out.c_str());
    return 0;
}

} // namespace builder
