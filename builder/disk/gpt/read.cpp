// Reading a GPT disk image strictly; see gpt.hpp.
#include "gpt.hpp"

#include "format.hpp"

#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/io.hpp"

#include <algorithm>
#include <fcntl.h>
#include <unistd.h>

namespace builder {

namespace {

using namespace gpt;

// Reads exactly `size` bytes at `offset` of the image; running into the end of the file is
// reported as truncation.
[[nodiscard]] bool read_image(int fd, uint8_t* data, size_t size, uint64_t offset,
                              const std::string& what, std::string& why) {
    size_t got = 0;
    if (!seedboot::pread_full(fd, data, size, offset, got)) {
        why = seedboot::sys_error("reading " + what);
        return false;
    }
    if (got < size) {
        why = "truncated: " + what + " (bytes " + std::to_string(offset) + ".." +
              std::to_string(offset + size - 1) + ") is past the end of the file";
        return false;
    }
    return true;
}

// A header with its entry array, both checked.
struct Table {
    Header header;
    std::vector<uint8_t> entries;
};

[[nodiscard]] bool load_table(int fd, uint64_t at_lba, const char* which, Table& t,
                              std::string& why) {
    uint8_t sector[kSector];
    std::string what = std::string(which) + " GPT header at LBA " + std::to_string(at_lba);
    if (!read_image(fd, sector, kSector, at_lba * kSector, what, why) ||
        !decode_header(sector, t.header, why) || !check_header_geometry(t.header, at_lba, why)) {
        return false;
    }
    t.entries.assign(t.header.entry_bytes(), 0);
    what = std::string(which) + " partition entries at LBA " + std::to_string(t.header.entries_lba);
    if (!read_image(fd, t.entries.data(), t.entries.size(), t.header.entries_lba * kSector, what,
                    why)) {
        return false;
    }
    if (crc32_of(t.entries.data(), t.entries.size()) != t.header.entries_crc) {
        why = std::string(which) + " partition entries CRC mismatch";
        return false;
    }
    return true;
}

// The backup must describe the same disk as the primary, from the other end.
[[nodiscard]] bool check_backup_matches(const Table& primary, const Table& backup,
                                        std::string& why) {
    const Header& p = primary.header;
    const Header& b = backup.header;
    bool same = b.alternate_lba == p.my_lba && b.first_usable == p.first_usable &&
                b.last_usable == p.last_usable && b.disk_guid == p.disk_guid &&
                b.entry_count == p.entry_count && b.entry_size == p.entry_size &&
                backup.entries == primary.entries;
    if (!same) why = "backup GPT header or entries differ from the primary (expected a mirror)";
    return same;
}

[[nodiscard]] bool collect_partitions(const Table& t, std::vector<PartitionInfo>& out,
                                      std::string& why) {
    const Header& h = t.header;
    for (uint32_t i = 0; i < h.entry_count; i++) {
        PartitionInfo p = decode_entry(&t.entries[size_t(i) * h.entry_size]);
        if (is_zero(p.type)) continue; // unused entry
        if (p.first_lba > p.last_lba || p.first_lba < h.first_usable ||
            p.last_lba > h.last_usable) {
            why = "partition entry " + std::to_string(i) + " '" + p.name + "' at LBA " +
                  std::to_string(p.first_lba) + ".." + std::to_string(p.last_lba) +
                  " is outside the usable LBAs " + std::to_string(h.first_usable) + ".." +
                  std::to_string(h.last_usable);
            return false;
        }
        out.push_back(p);
    }
    std::vector<PartitionInfo> sorted = out;
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first_lba < b.first_lba; });
    for (size_t i = 1; i < sorted.size(); i++) {
        if (sorted[i].first_lba <= sorted[i - 1].last_lba) {
            why = "partitions '" + sorted[i - 1].name + "' and '" + sorted[i].name + "' overlap";
            return false;
        }
    }
    return true;
}

// Loads the primary table; when it is bad, looks at the backup only to tell the user which
// kind of damage this is.
[[nodiscard]] bool load_primary(int fd, uint64_t disk_lbas, Table& primary, std::string& why) {
    if (load_table(fd, 1, "primary", primary, why)) return true;
    Table backup;
    std::string backup_why;
    if (load_table(fd, disk_lbas - 1, "backup", backup, backup_why))
        why = "primary GPT header damaged (backup intact): " + why;
    else
        why += " (primary; no usable backup at the last LBA either: " + backup_why + ")";
    return false;
}

// The backup header must be at the last LBA; one beyond the file means the file was cut short.
[[nodiscard]] bool load_backup(int fd, uint64_t disk_lbas, const Table& primary, Table& backup,
                               std::string& why) {
    uint64_t at = primary.header.alternate_lba;
    if (at >= disk_lbas) {
        why = "truncated: the GPT header says the disk is " + std::to_string((at + 1) * kSector) +
              " bytes (backup header at LBA " + std::to_string(at) + "), the file is " +
              std::to_string(disk_lbas * kSector) + " bytes";
        return false;
    }
    if (at != disk_lbas - 1) {
        why = "backup GPT header at LBA " + std::to_string(at) + ", expected at the last LBA " +
              std::to_string(disk_lbas - 1) + " (image grown after partitioning?)";
        return false;
    }
    if (!load_table(fd, at, "backup", backup, why)) {
        why = "backup GPT header damaged (primary intact): " + why;
        return false;
    }
    return check_backup_matches(primary, backup, why);
}

// Size of the image in bytes; works for block devices too, where st_size is 0.
[[nodiscard]] bool image_size(int fd, uint64_t& size) {
    off_t end = ::lseek(fd, 0, SEEK_END);
    if (end < 0) return false;
    size = static_cast<uint64_t>(end);
    return true;
}

} // namespace

[[nodiscard]] bool read_gpt_disk(const std::string& path, DiskInfo& out, std::string& err) {
    out = DiskInfo{};
    seedboot::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    uint64_t size = 0;
    if (!fd.ok() || !image_size(fd.get(), size)) {
        err = seedboot::sys_error(path + ": cannot open disk image");
        return false;
    }
    if (size < 2 * kSector) {
        err = path + ": truncated: " + std::to_string(size) +
              " bytes (expected at least 1024 for the protective MBR and the GPT header)";
        return false;
    }
    if (size % kSector != 0) {
        err = path + ": truncated: " + std::to_string(size) +
              " bytes is not a whole number of 512-byte sectors";
        return false;
    }
    uint8_t mbr[kSector];
    uint64_t disk_lbas = size / kSector;
    Table primary, backup;
    std::string why;
    if (!read_image(fd.get(), mbr, kSector, 0, "protective MBR", why) ||
        !check_protective_mbr(mbr, why) || !load_primary(fd.get(), disk_lbas, primary, why) ||
        !load_backup(fd.get(), disk_lbas, primary, backup, why) ||
        !collect_partitions(primary, out.partitions, why)) {
        err = path + ": " + why;
        out = DiskInfo{};
        return false;
    }
    out.disk_guid = primary.header.disk_guid;
    out.size_bytes = size;
    return true;
}

[[nodiscard]] bool find_partition(const std::string& disk, std::string_view name,
                                  PartitionInfo& out, std::string& err) {
    DiskInfo info;
    if (!read_gpt_disk(disk, info, err)) return false;
    std::string present;
    for (const PartitionInfo& p : info.partitions) {
        if (p.name == name) {
            out = p;
            return true;
        }
        present += (present.empty() ? "'" : ", '") + p.name + "'";
    }
    err = disk + ": no partition named '" + std::string(name) +
          "' (partitions: " + (present.empty() ? "none" : present) + ")";
    return false;
}

} // namespace builder
