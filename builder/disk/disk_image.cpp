#include "disk_image.hpp"

#include "esp_image.hpp"
#include "work_image.hpp"

#include "builder/disk/gpt/gpt.hpp"

#include "libseedboot/platform.hpp"
#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/files.hpp"

namespace builder {

[[nodiscard]] bool make_disk(const DiskContent& c, const std::string& out, std::string& err) {
    const seedboot::Arch* arch = seedboot::find_arch(c.arch);
    if (!arch) {
        err = "arch '" + c.arch + "' (expected " + std::string(seedboot::kArchNames) + ")";
        return false;
    }
    // The GUID seed covers everything that goes into the disk.
    std::string seed = "seedboot-disk:" + c.arch + ":" + std::to_string(c.work_size) + ":" +
                       std::to_string(c.epoch) +
                       (c.cache_size ? ":cache:" + std::to_string(c.cache_size) : "");
    std::string digest;
    uint64_t size = 0;
    for (const auto& f : {c.kernel, c.root}) {
        if (f.empty()) continue;
        if (!seedboot::sha256_file(f, digest, size, err)) return false;
        seed += ":" + digest;
    }
    // The PID 1 takes only a work partition whose PARTUUID is its image's identity.
    if (c.work_size && c.work_identity != Guid{})
        seed += ":work-for:" + format_guid(c.work_identity);
    DiskSpec spec;
    spec.guid_seed = seed;
    // The partitions' file systems, made apart and removed however this returns.
    seedboot::TempFile esp, work;
    if (!c.kernel.empty()) {
        esp.adopt(out + ".esp.tmp");
        uint64_t esp_size = 0;
        if (!make_esp(*arch, c.kernel, seed, c.epoch, esp.path(), esp_size, err)) return false;
        spec.partitions.push_back({seedboot::kEspLabel, gpt_type::esp, esp.path(), esp_size});
    }
    if (!c.root.empty())
        spec.partitions.push_back({seedboot::kRootLabel, root_type(*arch), c.root, 0});
    if (c.work_size) {
        work.adopt(out + ".work.tmp");
        if (!make_work_fs(work.path(), c.work_size, seed, c.epoch, err)) return false;
        spec.partitions.push_back({seedboot::kWorkLabel, gpt_type::linux_data, work.path(),
                                   c.work_size, c.work_identity});
    }
    seedboot::TempFile cache;
    if (c.cache_size) {
        cache.adopt(out + ".cache.tmp");
        if (!make_work_fs(cache.path(), c.cache_size, seed + ":cache", c.epoch, err,
                          seedboot::kCacheLabel))
            return false;
        spec.partitions.push_back(
            {seedboot::kCacheLabel, gpt_type::linux_data, cache.path(), c.cache_size});
    }
    return write_gpt_disk(spec, out, err);
}

} // namespace builder
