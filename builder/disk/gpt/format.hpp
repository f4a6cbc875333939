// The GPT's on-disk structures, shared by the writer, the reader and grow (gpt.hpp is the
// interface): sizes and limits, the header, the protective MBR, the partition entries, and
// the metadata sectors of a planned disk. Layout as in the UEFI specification, chapter 5
// ("GUID Partition Table Disk Layout").
#pragma once

#include "gpt.hpp"

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace builder::gpt {

constexpr uint64_t kSector = 512;
constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kSectorsPerMiB = kMiB / kSector;

// What the writer produces: the usual 128 entries of 128 bytes (32 sectors), which every tool
// expects and which makes the first usable LBA 34.
constexpr uint32_t kEntryCount = 128;
constexpr uint32_t kEntrySize = 128;
constexpr uint64_t kEntrySectors = kEntryCount * kEntrySize / kSector;
constexpr uint64_t kFirstUsableLba = 2 + kEntrySectors;

constexpr uint32_t kRevision = 0x00010000; // 1.0, the only revision there is
constexpr uint32_t kHeaderSize = 92;       // bytes covered by the header CRC
constexpr size_t kNameUnits = 36;          // UTF-16 code units in an entry's name field
constexpr char kSignature[8] = {'E', 'F', 'I', ' ', 'P', 'A', 'R', 'T'};

// Sanity limits. The writer refuses disks whose sizes would overflow the arithmetic; the reader
// refuses to allocate whatever entry array a damaged header claims.
constexpr uint64_t kMaxDiskBytes = uint64_t(1) << 50; // 1 PiB
constexpr uint64_t kMaxEntryArrayBytes = kMiB;
// Largest LBA whose byte offset still fits an off_t; bounding header LBAs by it keeps the
// reader's offset arithmetic from overflowing on a damaged header.
constexpr uint64_t kMaxLba = uint64_t(INT64_MAX) / kSector;

uint32_t crc32_of(const uint8_t* data, size_t size);

inline uint64_t round_up_mib(uint64_t bytes) {
    return (bytes + kMiB - 1) / kMiB * kMiB;
}

[[nodiscard]] bool is_zero(const Guid& guid);

struct Header {
    uint64_t my_lba = 0;
    uint64_t alternate_lba = 0;
    uint64_t first_usable = 0;
    uint64_t last_usable = 0; // inclusive
    Guid disk_guid;
    uint64_t entries_lba = 0;
    uint32_t entry_count = 0;
    uint32_t entry_size = 0;
    uint32_t entries_crc = 0;

    uint64_t entry_bytes() const { return uint64_t(entry_count) * entry_size; }
    uint64_t entries_last_lba() const {
        return entries_lba + (entry_bytes() + kSector - 1) / kSector - 1;
    }
};

// Fills a zeroed 512-byte sector with the header, CRC included.
void encode_header(const Header& h, uint8_t* s);
// Checks the parts of a header that need no context (signature, revision, size, CRC) and
// decodes it. `why` explains a failure.
[[nodiscard]] bool decode_header(const uint8_t* s, Header& h, std::string& why);
// Checks that a header read at `at_lba` is consistent in itself: one of the two headers is at
// LBA 1, the usable area lies between them, the entry array between them outside the usable
// area. Where the backup header is relative to the file is checked by the caller.
[[nodiscard]] bool check_header_geometry(const Header& h, uint64_t at_lba, std::string& why);

void encode_protective_mbr(uint64_t disk_lbas, uint8_t* s);
// A hybrid MBR also counts: what matters is a 0xEE record saying "GPT here".
[[nodiscard]] bool check_protective_mbr(const uint8_t* s, std::string& why);

void encode_entry(const PartitionInfo& p, uint8_t* e);
PartitionInfo decode_entry(const uint8_t* e);

// A partition as laid out by plan_layout.
struct Planned {
    const PartitionSpec* spec = nullptr;
    uint64_t content_bytes = 0; // 0 when there is no content file
    PartitionInfo info;
};

// The metadata sectors of a planned disk, ready to be written.
struct Metadata {
    std::vector<uint8_t> mbr = std::vector<uint8_t>(kSector);
    std::vector<uint8_t> primary = std::vector<uint8_t>(kSector);
    std::vector<uint8_t> backup = std::vector<uint8_t>(kSector);
    std::vector<uint8_t> entries = std::vector<uint8_t>(kEntryCount * kEntrySize);
    uint64_t backup_entries_lba = 0;
};

Metadata build_metadata(const std::vector<Planned>& parts, uint64_t disk_lbas,
                        const Guid& disk_guid);

// Writes `size` bytes at byte `offset`; `what` names them in the error.
[[nodiscard]] bool write_at(int fd, const uint8_t* data, size_t size, uint64_t offset,
                            const std::string& what, std::string& err);

} // namespace builder::gpt
