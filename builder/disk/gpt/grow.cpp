// Growing the last partition of a GPT disk image; see gpt.hpp.
#include "gpt.hpp"

#include "format.hpp"

#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace builder {

namespace {

using namespace gpt;

// The partitions of `info` as the writer would plan them, with `name` (the last) grown.
[[nodiscard]] bool plan_growth(const DiskInfo& info, std::string_view name, uint64_t new_bytes,
                               std::vector<Planned>& parts, size_t& index, std::string& err) {
    index = info.partitions.size();
    for (size_t i = 0; i < info.partitions.size(); i++) {
        Planned p;
        p.info = info.partitions[i];
        parts.push_back(p);
        if (p.info.name == name) index = i;
    }
    if (index == parts.size()) {
        err = "no partition named '" + std::string(name) + "'";
        return false;
    }
    PartitionInfo& grown = parts[index].info;
    for (const Planned& p : parts)
        if (p.info.first_lba > grown.last_lba) {
            err = "partition '" + grown.name + "' is followed by '" + p.info.name +
                  "' (only the last partition can grow)";
            return false;
        }
    uint64_t lbas = round_up_mib(new_bytes) / kSector;
    if (lbas < grown.last_lba - grown.first_lba + 1) {
        err = "partition '" + grown.name + "' is " + std::to_string(grown.size()) +
              " bytes; it can grow, not shrink, and " + std::to_string(new_bytes) +
              " bytes is smaller";
        return false;
    }
    grown.last_lba = grown.first_lba + lbas - 1;
    if ((grown.last_lba + 1 + kSectorsPerMiB) * kSector > kMaxDiskBytes) {
        err = "disk larger than the 1 PiB limit";
        return false;
    }
    return true;
}

// Zeroes the backup table the disk had before it grew: it now lies inside the partition.
[[nodiscard]] bool clear_old_backup(int fd, uint64_t old_lbas, std::string& err) {
    std::vector<uint8_t> zeros((kEntrySectors + 1) * kSector);
    return write_at(fd, zeros.data(), zeros.size(), (old_lbas - 1 - kEntrySectors) * kSector,
                    "the old backup GPT", err);
}

} // namespace

[[nodiscard]] bool grow_gpt_partition(const std::string& path, std::string_view name,
                                      uint64_t new_bytes, PartitionInfo& grown, std::string& err) {
    DiskInfo info;
    if (!read_gpt_disk(path, info, err)) return false;
    std::vector<Planned> parts;
    size_t index = 0;
    if (!plan_growth(info, name, new_bytes, parts, index, err)) {
        err = path + ": " + err;
        return false;
    }
    grown = parts[index].info;
    uint64_t old_lbas = info.size_bytes / kSector, disk_lbas = grown.last_lba + 1 + kSectorsPerMiB;
    if (disk_lbas == old_lbas) return true; // already that size
    seedboot::Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    struct stat st {};
    if (!fd.ok() || ::fstat(fd.get(), &st) != 0) {
        err = seedboot::sys_error(path + ": cannot open the disk image for writing");
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        err = path + ": not a regular file (a device cannot be enlarged by seedboot grow; see "
                     "docs/hardware.md, \"Running out of space\")";
        return false;
    }
    Metadata m = build_metadata(parts, disk_lbas, info.disk_guid);
    std::string what = "the grown GPT";
    if (::ftruncate(fd.get(), static_cast<off_t>(disk_lbas * kSector)) != 0) {
        err = seedboot::sys_error(path + ": cannot extend the image to " +
                                  std::to_string(disk_lbas * kSector) + " bytes");
        return false;
    }
    bool ok = write_at(fd.get(), m.entries.data(), m.entries.size(), m.backup_entries_lba * kSector,
                       what, err) &&
              write_at(fd.get(), m.backup.data(), kSector, (disk_lbas - 1) * kSector, what, err) &&
              clear_old_backup(fd.get(), old_lbas, err) && ::fsync(fd.get()) == 0 &&
              write_at(fd.get(), m.mbr.data(), kSector, 0, what, err) &&
              write_at(fd.get(), m.primary.data(), kSector, kSector, what, err) &&
              write_at(fd.get(), m.entries.data(), m.entries.size(), 2 * kSector, what, err) &&
              ::fsync(fd.get()) == 0;
    if (!ok && err.empty()) err = seedboot::sys_error("flushing " + what);
    if (!ok) err = path + ": " + err;
    return ok;
}

} // namespace builder
