// GPT layout as in the UEFI specification, chapter 5 ("GUID Partition Table Disk Layout").
#include "gpt.hpp"

#include "sparse_copy.hpp"

#include <sodium.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace builder {

namespace {

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

std::string sys_error(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

// Owns a file descriptor; closes it on scope exit.
class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    // Closes now and reports the result: close() can report a deferred write error.
    bool close() {
        int fd = fd_;
        fd_ = -1;
        return ::close(fd) == 0;
    }

  private:
    int fd_;
};

// ---------------------------------------------------------------------------------------------
// Byte helpers

void put_le(uint8_t* p, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; i++) p[i] = static_cast<uint8_t>(value >> (8 * i));
}

uint64_t get_le(const uint8_t* p, int bytes) {
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; i--) value = (value << 8) | p[i];
    return value;
}

uint32_t crc32_of(const uint8_t* data, size_t size) {
    // Sizes here are at most kMaxEntryArrayBytes, so the uInt length cannot truncate.
    return static_cast<uint32_t>(::crc32(::crc32(0L, Z_NULL, 0), data, static_cast<uInt>(size)));
}

uint64_t round_up_mib(uint64_t bytes) {
    return (bytes + kMiB - 1) / kMiB * kMiB;
}

// ---------------------------------------------------------------------------------------------
// GUID byte order. Text order is the order the hex digits are written in; on disk the first
// three fields (4, 2 and 2 bytes) are little-endian. Swapping is its own inverse.

std::array<uint8_t, 16> swap_first_fields(const std::array<uint8_t, 16>& in) {
    std::array<uint8_t, 16> out = in;
    std::reverse(out.begin(), out.begin() + 4);
    std::reverse(out.begin() + 4, out.begin() + 6);
    std::reverse(out.begin() + 6, out.begin() + 8);
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
}

bool is_zero(const Guid& guid) {
    return std::all_of(guid.bytes.begin(), guid.bytes.end(), [](uint8_t b) { return b == 0; });
}

// ---------------------------------------------------------------------------------------------
// On-disk structures

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
void encode_header(const Header& h, uint8_t* s) {
    std::memcpy(s, kSignature, 8);
    put_le(s + 8, kRevision, 4);
    put_le(s + 12, kHeaderSize, 4);
    put_le(s + 24, h.my_lba, 8);
    put_le(s + 32, h.alternate_lba, 8);
    put_le(s + 40, h.first_usable, 8);
    put_le(s + 48, h.last_usable, 8);
    std::memcpy(s + 56, h.disk_guid.bytes.data(), 16);
    put_le(s + 72, h.entries_lba, 8);
    put_le(s + 80, h.entry_count, 4);
    put_le(s + 84, h.entry_size, 4);
    put_le(s + 88, h.entries_crc, 4);
    put_le(s + 16, crc32_of(s, kHeaderSize), 4); // computed with its own field still zero
}

// Checks the parts of a header that need no context (signature, revision, size, CRC) and
// decodes it. `why` explains a failure.
bool decode_header(const uint8_t* s, Header& h, std::string& why) {
    if (std::memcmp(s, kSignature, 8) != 0) {
        why = "no \"EFI PART\" signature";
        return false;
    }
    uint32_t revision = static_cast<uint32_t>(get_le(s + 8, 4));
    if (revision != kRevision) {
        why = "GPT header revision " + std::to_string(revision >> 16) + "." +
              std::to_string(revision & 0xFFFF) + " (expected 1.0)";
        return false;
    }
    uint32_t size = static_cast<uint32_t>(get_le(s + 12, 4));
    if (size < kHeaderSize || size > kSector) {
        why = "GPT header size " + std::to_string(size) + " (expected 92..512)";
        return false;
    }
    uint8_t copy[kSector];
    std::memcpy(copy, s, kSector);
    std::memset(copy + 16, 0, 4); // the CRC covers the header with its own CRC field zeroed
    if (crc32_of(copy, size) != get_le(s + 16, 4)) {
        why = "GPT header CRC mismatch";
        return false;
    }
    h.my_lba = get_le(s + 24, 8);
    h.alternate_lba = get_le(s + 32, 8);
    h.first_usable = get_le(s + 40, 8);
    h.last_usable = get_le(s + 48, 8);
    std::memcpy(h.disk_guid.bytes.data(), s + 56, 16);
    h.entries_lba = get_le(s + 72, 8);
    h.entry_count = static_cast<uint32_t>(get_le(s + 80, 4));
    h.entry_size = static_cast<uint32_t>(get_le(s + 84, 4));
    h.entries_crc = static_cast<uint32_t>(get_le(s + 88, 4));
    return true;
}

// Checks that a header read at `at_lba` is consistent in itself: one of the two headers is at
// LBA 1, the usable area lies between them, the entry array between them outside the usable
// area. Where the backup header is relative to the file is checked by the caller.
bool check_header_geometry(const Header& h, uint64_t at_lba, std::string& why) {
    if (h.my_lba != at_lba) {
        why = "GPT header at LBA " + std::to_string(at_lba) + " says it is at LBA " +
              std::to_string(h.my_lba);
        return false;
    }
    uint64_t low = std::min(h.my_lba, h.alternate_lba);
    uint64_t high = std::max(h.my_lba, h.alternate_lba);
    if (low != 1 || high <= 1 || high > kMaxLba) {
        why = "GPT header locations " + std::to_string(h.my_lba) + " and " +
              std::to_string(h.alternate_lba) + " (expected LBA 1 and the last LBA)";
        return false;
    }
    if (h.first_usable <= low || h.last_usable >= high || h.first_usable > h.last_usable) {
        why = "usable LBAs " + std::to_string(h.first_usable) + ".." +
              std::to_string(h.last_usable) + " not between the two headers";
        return false;
    }
    if (h.entry_size < 128 || h.entry_size % 8 != 0 || h.entry_count == 0 ||
        h.entry_bytes() > kMaxEntryArrayBytes) {
        why = "partition entry array of " + std::to_string(h.entry_count) + " entries of " +
              std::to_string(h.entry_size) + " bytes (expected entries of 128 bytes or more, " +
              "at most 1 MiB in all)";
        return false;
    }
    // entries_lba < high first: then entries_last_lba() cannot overflow.
    bool between_headers =
        h.entries_lba > low && h.entries_lba < high && h.entries_last_lba() < high;
    bool clear_of_usable = h.entries_last_lba() < h.first_usable || h.entries_lba > h.last_usable;
    if (!between_headers || !clear_of_usable) {
        why = "partition entries at LBA " + std::to_string(h.entries_lba) + ".." +
              std::to_string(h.entries_last_lba()) +
              " overlap a header or the usable LBAs (expected outside " +
              std::to_string(h.first_usable) + ".." + std::to_string(h.last_usable) + ")";
        return false;
    }
    return true;
}

void encode_protective_mbr(uint64_t disk_lbas, uint8_t* s) {
    uint8_t* e = s + 446;      // first of the four 16-byte partition records
    e[2] = 0x02;               // start CHS: head 0, sector 2, cylinder 0 = LBA 1
    e[4] = 0xEE;               // GPT protective
    e[5] = e[6] = e[7] = 0xFF; // end CHS: beyond what CHS can express
    put_le(e + 8, 1, 4);
    put_le(e + 12, std::min<uint64_t>(disk_lbas - 1, 0xFFFFFFFF), 4);
    s[510] = 0x55;
    s[511] = 0xAA;
}

// A hybrid MBR also counts: what matters is a 0xEE record saying "GPT here".
bool check_protective_mbr(const uint8_t* s, std::string& why) {
    if (s[510] != 0x55 || s[511] != 0xAA) {
        why = "not a GPT disk (no protective MBR): no 55AA boot signature at byte 510";
        return false;
    }
    for (int i = 0; i < 4; i++) {
        if (s[446 + 16 * i + 4] == 0xEE) return true;
    }
    why = "not a GPT disk (no protective MBR): the MBR has no partition of type 0xEE";
    return false;
}

void encode_entry(const PartitionInfo& p, uint8_t* e) {
    std::memcpy(e, p.type.bytes.data(), 16);
    std::memcpy(e + 16, p.unique.bytes.data(), 16);
    put_le(e + 32, p.first_lba, 8);
    put_le(e + 40, p.last_lba, 8);
    // Attributes (offset 48) stay 0. The name is ASCII, checked by the caller: one UTF-16LE
    // code unit per character, the rest of the field zero.
    for (size_t i = 0; i < p.name.size(); i++) e[56 + 2 * i] = static_cast<uint8_t>(p.name[i]);
}

void append_utf8(std::string& out, uint32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

// The name field is UTF-16LE, NUL-terminated unless all 36 units are used. Other tools may have
// written any name, so decode properly; a lone surrogate becomes U+FFFD.
std::string decode_name(const uint8_t* field) {
    std::string out;
    for (size_t i = 0; i < kNameUnits; i++) {
        uint32_t c = static_cast<uint32_t>(get_le(field + 2 * i, 2));
        if (c == 0) break;
        if (c >= 0xD800 && c < 0xDC00 && i + 1 < kNameUnits) {
            uint32_t low = static_cast<uint32_t>(get_le(field + 2 * (i + 1), 2));
            if (low >= 0xDC00 && low < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                i++;
            }
        }
        if (c >= 0xD800 && c < 0xE000) c = 0xFFFD;
        append_utf8(out, c);
    }
    return out;
}

PartitionInfo decode_entry(const uint8_t* e) {
    PartitionInfo p;
    std::memcpy(p.type.bytes.data(), e, 16);
    std::memcpy(p.unique.bytes.data(), e + 16, 16);
    p.first_lba = get_le(e + 32, 8);
    p.last_lba = get_le(e + 40, 8);
    p.name = decode_name(e + 56);
    return p;
}

// ---------------------------------------------------------------------------------------------
// I/O helpers

// Writes all of `size` bytes at `offset`, retrying short writes; `what` names the target in
// the error.
bool pwrite_all(int fd, const uint8_t* data, size_t size, uint64_t offset, const std::string& what,
                std::string& err) {
    while (size > 0) {
        ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = ENOSPC; // no progress and no error: treat as a full disk
            err = sys_error("writing " + what);
            return false;
        }
        data += n;
        size -= static_cast<size_t>(n);
        offset += static_cast<uint64_t>(n);
    }
    return true;
}

// Reads up to `size` bytes at `offset`; `got` is less than `size` only at end of file.
bool pread_full(int fd, uint8_t* data, size_t size, uint64_t offset, size_t& got) {
    got = 0;
    while (got < size) {
        ssize_t n = ::pread(fd, data + got, size - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    return true;
}

// Reads exactly `size` bytes at `offset` of the image; running into the end of the file is
// reported as truncation.
bool read_image(int fd, uint8_t* data, size_t size, uint64_t offset, const std::string& what,
                std::string& why) {
    size_t got = 0;
    if (!pread_full(fd, data, size, offset, got)) {
        why = sys_error("reading " + what);
        return false;
    }
    if (got < size) {
        why = "truncated: " + what + " (bytes " + std::to_string(offset) + ".." +
              std::to_string(offset + size - 1) + ") is past the end of the file";
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Writer

// A partition as laid out by plan_layout.
struct Planned {
    const PartitionSpec* spec = nullptr;
    uint64_t content_bytes = 0; // 0 when there is no content file
    PartitionInfo info;
};

bool check_name(const PartitionSpec& p, size_t index, std::set<std::string>& seen,
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
bool partition_size(const PartitionSpec& p, const std::string& where, uint64_t& content_bytes,
                    uint64_t& size, std::string& err) {
    content_bytes = 0;
    if (!p.content_file.empty()) {
        struct stat st;
        if (::stat(p.content_file.c_str(), &st) != 0) {
            err = sys_error(where + ": content file " + p.content_file);
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
bool plan_layout(const DiskSpec& spec, std::vector<Planned>& out, uint64_t& disk_lbas,
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

// The metadata sectors of a planned disk, ready to be written.
struct Metadata {
    std::vector<uint8_t> mbr = std::vector<uint8_t>(kSector);
    std::vector<uint8_t> primary = std::vector<uint8_t>(kSector);
    std::vector<uint8_t> backup = std::vector<uint8_t>(kSector);
    std::vector<uint8_t> entries = std::vector<uint8_t>(kEntryCount * kEntrySize);
    uint64_t backup_entries_lba = 0;
};

Metadata build_metadata(const std::vector<Planned>& parts, uint64_t disk_lbas,
                        const Guid& disk_guid) {
    Metadata m;
    encode_protective_mbr(disk_lbas, m.mbr.data());
    for (size_t i = 0; i < parts.size(); i++)
        encode_entry(parts[i].info, &m.entries[i * kEntrySize]);

    Header h;
    h.my_lba = 1;
    h.alternate_lba = disk_lbas - 1;
    h.first_usable = kFirstUsableLba;
    h.last_usable = disk_lbas - 2 - kEntrySectors; // below the backup entries and header
    h.disk_guid = disk_guid;
    h.entries_lba = 2;
    h.entry_count = kEntryCount;
    h.entry_size = kEntrySize;
    h.entries_crc = crc32_of(m.entries.data(), m.entries.size());
    encode_header(h, m.primary.data());

    // The backup mirrors the primary from the other end of the disk.
    m.backup_entries_lba = disk_lbas - 1 - kEntrySectors;
    std::swap(h.my_lba, h.alternate_lba);
    h.entries_lba = m.backup_entries_lba;
    encode_header(h, m.backup.data());
    return m;
}

// Copies a content file to the start of its partition, checking it still has the planned size.
// Only what is not zero is written: the rest of the image is a hole that reads as zeros.
bool copy_content(int out_fd, const Planned& p, std::string& err) {
    const std::string& file = p.spec->content_file;
    Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0) {
        err = sys_error("open content file " + file);
        return false;
    }
    return copy_nonzero(in.get(), file, out_fd, p.info.offset(), p.content_bytes,
                        "partition '" + p.info.name + "' from " + file, err);
}

// A temporary file next to the final path; removed on scope exit unless committed by rename.
class TempFile {
  public:
    explicit TempFile(const std::string& final_path)
        : path_(final_path + ".tmp-XXXXXX"), fd_(::mkostemp(path_.data(), O_CLOEXEC)),
          created_(fd_.get() >= 0) {}
    ~TempFile() {
        if (created_ && !committed_) ::unlink(path_.c_str());
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    int fd() const { return fd_.get(); }
    const std::string& path() const { return path_; }

    // Flushes, closes and renames onto `final_path`.
    bool commit(const std::string& final_path, std::string& err) {
        if (::fsync(fd_.get()) != 0 || !fd_.close()) {
            err = sys_error(final_path + ": flushing " + path_);
            return false;
        }
        if (::rename(path_.c_str(), final_path.c_str()) != 0) {
            err = sys_error(final_path + ": renaming " + path_ + " onto it");
            return false;
        }
        committed_ = true;
        return true;
    }

  private:
    std::string path_;
    Fd fd_;
    bool created_;
    bool committed_ = false;
};

bool write_metadata(int fd, const Metadata& m, uint64_t disk_lbas, const std::string& what,
                    std::string& err) {
    return pwrite_all(fd, m.mbr.data(), kSector, 0, what, err) &&
           pwrite_all(fd, m.primary.data(), kSector, kSector, what, err) &&
           pwrite_all(fd, m.entries.data(), m.entries.size(), 2 * kSector, what, err) &&
           pwrite_all(fd, m.entries.data(), m.entries.size(), m.backup_entries_lba * kSector, what,
                      err) &&
           pwrite_all(fd, m.backup.data(), kSector, (disk_lbas - 1) * kSector, what, err);
}

// ---------------------------------------------------------------------------------------------
// Reader

// A header with its entry array, both checked.
struct Table {
    Header header;
    std::vector<uint8_t> entries;
};

bool load_table(int fd, uint64_t at_lba, const char* which, Table& t, std::string& why) {
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
bool check_backup_matches(const Table& primary, const Table& backup, std::string& why) {
    const Header& p = primary.header;
    const Header& b = backup.header;
    bool same = b.alternate_lba == p.my_lba && b.first_usable == p.first_usable &&
                b.last_usable == p.last_usable && b.disk_guid == p.disk_guid &&
                b.entry_count == p.entry_count && b.entry_size == p.entry_size &&
                backup.entries == primary.entries;
    if (!same) why = "backup GPT header or entries differ from the primary (expected a mirror)";
    return same;
}

bool collect_partitions(const Table& t, std::vector<PartitionInfo>& out, std::string& why) {
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
bool load_primary(int fd, uint64_t disk_lbas, Table& primary, std::string& why) {
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
bool load_backup(int fd, uint64_t disk_lbas, const Table& primary, Table& backup,
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
bool image_size(int fd, uint64_t& size) {
    off_t end = ::lseek(fd, 0, SEEK_END);
    if (end < 0) return false;
    size = static_cast<uint64_t>(end);
    return true;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Public interface

Guid parse_guid(std::string_view text) {
    std::array<uint8_t, 16> in_text_order{};
    size_t nibble = 0;
    for (char c : text) {
        if (c == '-' || nibble >= 32) continue;
        in_text_order[nibble / 2] |= static_cast<uint8_t>(hex_value(c) << (nibble % 2 ? 0 : 4));
        nibble++;
    }
    return Guid{swap_first_fields(in_text_order)};
}

std::string format_guid(const Guid& guid) {
    static const char digits[] = "0123456789ABCDEF";
    std::array<uint8_t, 16> t = swap_first_fields(guid.bytes);
    std::string out;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += digits[t[i] >> 4];
        out += digits[t[i] & 0xF];
    }
    return out;
}

Guid derived_guid(std::string_view seed) {
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
    std::array<uint8_t, 16> t;
    std::copy(hash, hash + 16, t.begin());
    t[6] = static_cast<uint8_t>((t[6] & 0x0F) | 0x40); // version 4 (RFC 4122 section 4.4)
    t[8] = static_cast<uint8_t>((t[8] & 0x3F) | 0x80); // variant 10xx: RFC 4122
    return Guid{swap_first_fields(t)};
}

namespace gpt_type {
const Guid esp = parse_guid("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
const Guid root_x86 = parse_guid("44479540-F297-41B2-9AF7-D131D5F0458A");
const Guid root_x86_64 = parse_guid("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");
const Guid root_arm64 = parse_guid("B921B045-1DF0-41C3-AF44-4C6F280D3FAE");
const Guid linux_data = parse_guid("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
} // namespace gpt_type

bool write_gpt_disk(const DiskSpec& spec, const std::string& out_path, std::string& err) {
    std::vector<Planned> parts;
    uint64_t disk_lbas = 0;
    if (!plan_layout(spec, parts, disk_lbas, err)) {
        err = out_path + ": " + err;
        return false;
    }
    Metadata meta = build_metadata(parts, disk_lbas, derived_guid(spec.guid_seed + "\ndisk"));

    TempFile tmp(out_path);
    if (tmp.fd() < 0) {
        err = sys_error(out_path + ": cannot create a temporary file next to it");
        return false;
    }
    // mkostemp makes the file 0600; an image is not secret and other tools read it.
    // The zero areas are left as holes by ftruncate: no time or space spent writing them.
    if (::fchmod(tmp.fd(), 0644) != 0 ||
        ::ftruncate(tmp.fd(), static_cast<off_t>(disk_lbas * kSector)) != 0) {
        err = sys_error(out_path + ": cannot size the temporary file " + tmp.path() + " to " +
                        std::to_string(disk_lbas * kSector) + " bytes");
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
    return tmp.commit(out_path, err);
}

bool read_gpt_disk(const std::string& path, DiskInfo& out, std::string& err) {
    out = DiskInfo{};
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    uint64_t size = 0;
    if (fd.get() < 0 || !image_size(fd.get(), size)) {
        err = sys_error(path + ": cannot open disk image");
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

bool find_partition(const std::string& disk, std::string_view name, PartitionInfo& out,
                    std::string& err) {
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

namespace {

// The partitions of `info` as the writer would plan them, with `name` (the last) grown.
bool plan_growth(const DiskInfo& info, std::string_view name, uint64_t new_bytes,
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
bool clear_old_backup(int fd, uint64_t old_lbas, std::string& err) {
    std::vector<uint8_t> zeros((kEntrySectors + 1) * kSector);
    return pwrite_all(fd, zeros.data(), zeros.size(), (old_lbas - 1 - kEntrySectors) * kSector,
                      "the old backup GPT", err);
}

} // namespace

bool grow_gpt_partition(const std::string& path, std::string_view name, uint64_t new_bytes,
                        PartitionInfo& grown, std::string& err) {
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
    Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    struct stat st {};
    if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) {
        err = sys_error(path + ": cannot open the disk image for writing");
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        err = path + ": not a regular file (a device cannot be enlarged by seedboot grow; see "
                     "README \"Running out of space\")";
        return false;
    }
    Metadata m = build_metadata(parts, disk_lbas, info.disk_guid);
    std::string what = "the grown GPT";
    if (::ftruncate(fd.get(), static_cast<off_t>(disk_lbas * kSector)) != 0) {
        err = sys_error(path + ": cannot extend the image to " +
                        std::to_string(disk_lbas * kSector) + " bytes");
        return false;
    }
    bool ok =
        pwrite_all(fd.get(), m.entries.data(), m.entries.size(), m.backup_entries_lba * kSector,
                   what, err) &&
        pwrite_all(fd.get(), m.backup.data(), kSector, (disk_lbas - 1) * kSector, what, err) &&
        clear_old_backup(fd.get(), old_lbas, err) && ::fsync(fd.get()) == 0 &&
        pwrite_all(fd.get(), m.mbr.data(), kSector, 0, what, err) &&
        pwrite_all(fd.get(), m.primary.data(), kSector, kSector, what, err) &&
        pwrite_all(fd.get(), m.entries.data(), m.entries.size(), 2 * kSector, what, err) &&
        ::fsync(fd.get()) == 0;
    if (!ok && err.empty()) err = sys_error("flushing " + what);
    if (!ok) err = path + ": " + err;
    return ok;
}

} // namespace builder
