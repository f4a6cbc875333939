// The GPT's on-disk structures; see format.hpp.
#include "format.hpp"

#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/io.hpp"
#include "libseedboot/sys/le.hpp"

#include <sodium.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace builder {

namespace gpt {

using seedboot::get_le;
using seedboot::put_le;

namespace {

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

} // namespace

uint32_t crc32_of(const uint8_t* data, size_t size) {
    // Sizes here are at most kMaxEntryArrayBytes, so the uInt length cannot truncate.
    return static_cast<uint32_t>(::crc32(::crc32(0L, Z_NULL, 0), data, static_cast<uInt>(size)));
}

[[nodiscard]] bool is_zero(const Guid& guid) {
    return std::all_of(guid.bytes.begin(), guid.bytes.end(), [](uint8_t b) { return b == 0; });
}

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
[[nodiscard]] bool decode_header(const uint8_t* s, Header& h, std::string& why) {
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
[[nodiscard]] bool check_header_geometry(const Header& h, uint64_t at_lba, std::string& why) {
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
[[nodiscard]] bool check_protective_mbr(const uint8_t* s, std::string& why) {
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

namespace {

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

} // namespace

PartitionInfo decode_entry(const uint8_t* e) {
    PartitionInfo p;
    std::memcpy(p.type.bytes.data(), e, 16);
    std::memcpy(p.unique.bytes.data(), e + 16, 16);
    p.first_lba = get_le(e + 32, 8);
    p.last_lba = get_le(e + 40, 8);
    p.name = decode_name(e + 56);
    return p;
}

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

[[nodiscard]] bool write_at(int fd, const uint8_t* data, size_t size, uint64_t offset,
                            const std::string& what, std::string& err) {
    if (seedboot::pwrite_all(fd, data, size, offset)) return true;
    err = seedboot::sys_error("writing " + what);
    return false;
}

} // namespace gpt

Guid parse_guid(std::string_view text) {
    std::array<uint8_t, 16> in_text_order{};
    size_t nibble = 0;
    for (char c : text) {
        if (c == '-' || nibble >= 32) continue;
        in_text_order[nibble / 2] |=
            static_cast<uint8_t>(gpt::hex_value(c) << (nibble % 2 ? 0 : 4));
        nibble++;
    }
    return Guid{gpt::swap_first_fields(in_text_order)};
}

std::string format_guid(const Guid& guid) {
    static const char digits[] = "0123456789ABCDEF";
    std::array<uint8_t, 16> t = gpt::swap_first_fields(guid.bytes);
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
    return Guid{gpt::swap_first_fields(t)};
}

namespace gpt_type {
const Guid esp = parse_guid("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
const Guid linux_data = parse_guid("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
} // namespace gpt_type

Guid root_type(const seedboot::Arch& arch) {
    return parse_guid(arch.gpt_root_type);
}

} // namespace builder
