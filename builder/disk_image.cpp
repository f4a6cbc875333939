#include "disk_image.hpp"

#include "esp_image.hpp"
#include "gpt.hpp"
#include "image_identity.hpp"
#include "work_image.hpp"

#include "sha256.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace builder {

namespace {

bool file_digest(const std::string& path, std::string& hex, std::string& err) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    uint64_t size = 0;
    bool ok = fd >= 0 && seedboot::sha256_fd(fd, hex, size);
    if (fd >= 0) ::close(fd);
    if (!ok) err = path + ": cannot read (does it exist?)";
    return ok;
}

const Guid& root_type(const std::string& arch) {
    if (arch == "i386") return gpt_type::root_x86;
    if (arch == "aarch64") return gpt_type::root_arm64;
    return gpt_type::root_x86_64;
}

// Removes the temporary partition files however make_disk returns.
struct TempFiles {
    std::vector<std::string> paths;
    ~TempFiles() {
        for (const auto& p : paths) ::unlink(p.c_str());
    }
};

} // namespace

bool make_disk(const DiskContent& c, const std::string& out, std::string& err) {
    if (c.arch != "i386" && c.arch != "x86_64" && c.arch != "aarch64") {
        err = "arch '" + c.arch + "' (expected i386, x86_64 or aarch64)";
        return false;
    }
    // The GUID seed covers everything that goes into the disk.
    std::string seed = "seedboot-disk:" + c.arch + ":" + std::to_string(c.work_size) + ":" +
                       std::to_string(c.epoch);
    std::string digest;
    for (const auto& f : {c.kernel, c.root}) {
        if (f.empty()) continue;
        if (!file_digest(f, digest, err)) return false;
        seed += ":" + digest;
    }
    // The PID 1 takes only a work partition whose PARTUUID is its image's identity.
    Guid identity;
    const std::string& owner = c.root.empty() ? c.work_for : c.root;
    if (c.work_size && !owner.empty()) {
        if (!read_image_identity(owner, identity, err)) return false;
        seed += ":work-for:" + format_guid(identity);
    }
    DiskSpec spec;
    spec.guid_seed = seed;
    TempFiles tmp;
    if (!c.kernel.empty()) {
        tmp.paths.push_back(out + ".esp.tmp");
        uint64_t esp_size = 0;
        if (!make_esp(c.arch, c.kernel, seed, c.epoch, tmp.paths.back(), esp_size, err))
            return false;
        spec.partitions.push_back({"seedboot-esp", gpt_type::esp, tmp.paths.back(), esp_size});
    }
    if (!c.root.empty()) spec.partitions.push_back({"seedboot-root", root_type(c.arch), c.root, 0});
    if (c.work_size) {
        tmp.paths.push_back(out + ".work.tmp");
        if (!make_work_fs(tmp.paths.back(), c.work_size, seed, c.epoch, err)) return false;
        spec.partitions.push_back(
            {"seedboot-work", gpt_type::linux_data, tmp.paths.back(), c.work_size, identity});
    }
    return write_gpt_disk(spec, out, err);
}

} // namespace builder
