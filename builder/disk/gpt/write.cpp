// Writing a GPT disk image; see gpt.hpp.
#include "gpt.hpp"

#include "format.hpp"

#include "builder/disk/sparse_copy.hpp"

#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"

#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace builder {

namespace {

using namespace gpt;

[[nodiscard]] bool check_name(const PartitionSpec& p, size_t index, std::set<std::string>& seen,
                              std::string& err) {
    std::string where = "partition " + std::to_string(index) + " '" + p.name + "'";
    if (p.name.empty() || p.name.size() > kNameUnits) {
        err = where + ": name is " + std::to_string(p.name.size()) +
              " characters long (expected 1..36)";
        return false;
    }
    for (char c : p.name) {
        if (c < 0x20 || c > 0x7E) {
            err = where + ": name has a character outside printable ASCII";
            return false;
        }
    }
    // Partitions are found by name (find_partition), so a duplicate would be ambiguous.
    if (!seen.insert(p.name).second) {
        err = where + ": name used by an earlier partition (expected unique names)";
        return false;
    }
    return true;
}

// Works out the partition's size in bytes (before rounding) from its spec and content file.
[[nodiscard]] bool partition_size(const PartitionSpec& p, const std::string& where,
                                  uint64_t& content_bytes, uint64_t& size, std::string& err) {
    content_bytes = 0;
    if (!p.content_file.empty()) {
        struct stat st;
        if (::stat(p.content_file.c_str(), &st) != 0) {
            err = seedboot::sys_error(where + ": content file " + p.content_file);
            return false;
        }
        if (!S_ISREG(st.st_mode)) {
            err = where + ": content file " + p.content_file + " is not a regular file";
            return false;
        }
        content_bytes = static_cast<uint64_t>(st.st_size);
    }
    size = p.size_bytes != 0 ? p.size_bytes : content_bytes;
    if (size == 0) {
        err = where + ": size is 0 (expected size_bytes or a non-empty content file)";
        return false;
    }
    if (content_bytes > size) {
        err = where + ": content file " + p.content_file + " is " + std::to_string(content_bytes) +
              " bytes, larger than the partition size of " + std::to_string(size) + " bytes";
        return false;
    }
    if (size > kMaxDiskBytes) {
        err = where + ": size of " + std::to_string(size) + " bytes is over the 1 PiB limit";
        return false;
    }
    return true;
}

// Lays the partitions out back to back from 1 MiB, each rounded up to 1 MiB, and sizes the disk
// to leave 1 MiB after the last one (room for the backup entries and header, and alignment).
[[nodiscard]] bool plan_layout(const DiskSpec& spec, std::vector<Planned>& out, uint64_t& disk_lbas,
                               std::string& err) {
    if (spec.partitions.size() > kEntryCount) {
        err = std::to_string(spec.partitions.size()) + " partitions (expected at most 128)";
        return false;
    }
    std::set<std::string> seen;
    uint64_t next_lba = kSectorsPerMiB;
    for (size_t i = 0; i < spec.partitions.size(); i++) {
        const PartitionSpec& p = spec.partitions[i];
        std::string where = "partition " + std::to_string(i) + " '" + p.name + "'";
        Planned planned;
        uint64_t size = 0;
        if (!check_name(p, i, seen, err) ||
            !partition_size(p, where, planned.content_bytes, size, err)) {
            return false;
        }
        planned.spec = &p;
        planned.info.name = p.name;
        planned.info.type = p.type;
        planned.info.unique =
            p.unique != Guid{}
                ? p.unique
                : derived_guid(spec.guid_seed + "\npartition " + std::to_string(i) + " " + p.name);
        planned.info.first_lba = next_lba;
        planned.info.last_lba = next_lba + round_up_mib(size) / kSector - 1;
        next_lba = planned.info.last_lba + 1;
        if (next_lba * kSector > kMaxDiskBytes) {
            err = "disk larger than the 1 PiB limit at " + where;
            return false;
        }
        out.push_back(planned);
    }
    disk_lbas = next_lba + kSectorsPerMiB;
    return true;
}

// Copies a content file to the start of its partition, checking it still has the planned size.
// Only what is not zero is written: the rest of the image is a hole that reads as zeros.
[[nodiscard]] bool copy_content(int out_fd, const Planned& p, std::string& err) {
    const std::string& file = p.spec->content_file;
    seedboot::Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in.ok()) {
        err = seedboot::sys_error("open content file " + file);
        return false;
    }
    return copy_nonzero(in.get(), file, out_fd, p.info.offset(), p.content_bytes,
                        "partition '" + p.info.name + "' from " + file, err);
}

[[nodiscard]] bool write_metadata(int fd, const Metadata& m, uint64_t disk_lbas,
                                  const std::string& what, std::string& err) {
    return write_at(fd, m.mbr.data(), kSector, 0, what, err) &&
           write_at(fd, m.primary.data(), kSector, kSector, what, err) &&
           write_at(fd, m.entries.data(), m.entries.size(), 2 * kSector, what, err) &&
           write_at(fd, m.entries.data(), m.entries.size(), m.backup_entries_lba * kSector, what,
                    err) &&
           write_at(fd, m.backup.data(), kSector, (disk_lbas - 1) * kSector, what, err);
}

} // namespace

[[nodiscard]] bool write_gpt_disk(const DiskSpec& spec, const std::string& out_path,
                                  std::string& err) {
    std::vector<Planned> parts;
    uint64_t disk_lbas = 0;
    if (!plan_layout(spec, parts, disk_lbas, err)) {
        err = out_path + ": " + err;
        return false;
    }
    Metadata meta = build_metadata(parts, disk_lbas, derived_guid(spec.guid_seed + "\ndisk"));

    seedboot::AtomicFile tmp;
    if (!tmp.create(out_path, 0644, err)) return false;
    // The zero areas are left as holes by ftruncate: no time or space spent writing them.
    if (::ftruncate(tmp.fd(), static_cast<off_t>(disk_lbas * kSector)) != 0) {
        err = seedboot::sys_error(out_path + ": cannot size the temporary file " + tmp.temp_path() +
                                  " to " + std::to_string(disk_lbas * kSector) + " bytes");
        return false;
    }
    if (!write_metadata(tmp.fd(), meta, disk_lbas, "the GPT metadata", err)) {
        err = out_path + ": " + err;
        return false;
    }
    for (const Planned& p : parts) {
        if (p.content_bytes == 0) continue;
        if (!copy_content(tmp.fd(), p, err)) {
            err = out_path + ": " + err;
            return false;
        }
    }
    return tmp.commit(err);
}

} // namespace builder
