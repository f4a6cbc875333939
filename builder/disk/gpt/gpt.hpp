// GPT disk images: a writer that lays partitions out from a spec and copies host files into
// them, and a strict reader that validates what it reads instead of repairing it.
//
// Layout written (512-byte sectors, 128 entries of 128 bytes, as sfdisk/sgdisk would):
//   LBA 0            protective MBR (one 0xEE entry covering the disk)
//   LBA 1            primary GPT header
//   LBA 2..33        primary partition entries
//   1 MiB ...        partitions, each starting on and sized to a 1 MiB boundary
//   last 1 MiB       free space, then the backup entries and at the last LBA the backup header
// The metadata is byte-identical to what sfdisk writes for the same layout and GUIDs (given
// "first-lba: 34"), and sgdisk -v finds no problems with it.
#pragma once

#include "libseedboot/platform.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace builder {

// A GUID in its on-disk byte order: the first three fields little-endian, the rest as written.
struct Guid {
    std::array<uint8_t, 16> bytes{};
    friend bool operator==(const Guid&, const Guid&) = default;
};

// "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" -> on-disk bytes. Meant for constants: the text is
// assumed valid (non-hex digits read as 0).
Guid parse_guid(std::string_view text);

// Upper-case canonical text, the inverse of parse_guid.
std::string format_guid(const Guid& guid);

// A version-4-shaped GUID (variant and version bits set) taken from sha256(seed), so that the
// same inputs give the same disk.
Guid derived_guid(std::string_view seed);

namespace gpt_type {
extern const Guid esp;        // EFI System Partition
extern const Guid linux_data; // generic Linux filesystem data
} // namespace gpt_type

// The root partition's type for `arch` (Discoverable Partitions: libseedboot/platform.hpp).
Guid root_type(const seedboot::Arch& arch);

struct PartitionSpec {
    std::string name; // GPT partition name: printable ASCII, 1..36 chars, unique on the disk
    Guid type;        //
    std::string content_file; // host file copied to the start of the partition; "" = all zeros
    uint64_t size_bytes = 0;  // rounded up to 1 MiB; 0 = size of content_file rounded up to 1 MiB
    Guid unique;              // all zeros: derived from DiskSpec::guid_seed
};

struct DiskSpec {
    std::vector<PartitionSpec> partitions; // at most 128
    std::string guid_seed; // the disk GUID and the partition unique GUIDs (unless given) derive
                           // from this
};

// Writes the disk described by `spec` to `out_path` (through a temporary file in the same
// directory and a rename, so a failed run leaves no half-written image). The output is
// byte-identical for the same spec and content. Content is copied with a bounded buffer; the
// untouched zero areas are left sparse.
[[nodiscard]] bool write_gpt_disk(const DiskSpec& spec, const std::string& out_path,
                                  std::string& err);

struct PartitionInfo {
    std::string name; // UTF-8
    Guid type;
    Guid unique;
    uint64_t first_lba = 0, last_lba = 0; // inclusive
    uint64_t offset() const { return first_lba * 512; }
    uint64_t size() const { return (last_lba - first_lba + 1) * 512; }
};

struct DiskInfo {
    Guid disk_guid;
    std::vector<PartitionInfo> partitions; // used entries, in partition-entry order
    uint64_t size_bytes = 0;               // size of the image file
};

// Reads a GPT disk image and validates the protective MBR, both headers (signature, revision,
// size, CRC, location), both entry arrays (CRC, placement) and the partitions (inside the
// usable LBAs, not overlapping). Any problem is an error naming the file, including a damaged
// primary header with an intact backup: the caller is told, nothing is silently repaired.
[[nodiscard]] bool read_gpt_disk(const std::string& path, DiskInfo& out, std::string& err);

// Reads `disk` and finds the partition called `name`; false with an error naming the disk and
// the label (and the labels present) when there is none.
[[nodiscard]] bool find_partition(const std::string& disk, std::string_view name,
                                  PartitionInfo& out, std::string& err);

// Grows partition `name`, which must be the last one on the disk image file `path`, to
// `new_bytes` rounded up to 1 MiB: the file is extended, the backup GPT moves to the new end and
// both tables are rewritten by the same rules as write_gpt_disk (so the result equals a disk
// made at that size). The partition's content is not touched. The backup table is written and
// flushed before the primary: a cut-off run leaves the old primary table, still readable.
// Block devices are refused (their size is fixed; see docs/hardware.md, "Running out of space").
[[nodiscard]] bool grow_gpt_partition(const std::string& path, std::string_view name,
                                      uint64_t new_bytes, PartitionInfo& grown, std::string& err);

} // namespace builder
