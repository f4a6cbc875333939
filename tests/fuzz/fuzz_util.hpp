// Helpers shared by the libFuzzer targets in this folder (see docs/fuzzing.md).
#pragma once

#include "libseedboot/sys/le.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <string_view>
#include <unistd.h>

namespace fuzz {

// A property the target checks failed: print what, then die so that libFuzzer keeps the input.
[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
    std::fprintf(stderr, "fuzz property violated: %s\n%.*s\n", what,
                 static_cast<int>(detail.size()), detail.data());
    __builtin_trap();
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// The readers under test take a path: one fixed file per process (and per target), rewritten
// for every input and removed at exit. The pid keeps parallel fuzzers (-jobs/-workers) apart.
inline const std::string& temp_path(const char* target) {
    static const std::string path = [target] {
        std::string p = "/tmp/seedboot-fuzz-" + std::string(target) + "-" +
                        std::to_string(static_cast<long>(::getpid()));
        static std::string for_atexit;
        for_atexit = p;
        std::atexit([] { ::unlink(for_atexit.c_str()); });
        return p;
    }();
    return path;
}

inline const std::string& write_temp(const char* target, const uint8_t* data, size_t size) {
    const std::string& path = temp_path(target);
    // Overwritten in place and then cut to size: on ext4, truncating a file to zero and
    // rewriting it makes close() start writeback (auto_da_alloc), a disk wait for every input.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) fail("cannot create the temporary file", path);
    for (size_t done = 0; done < size;) {
        ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
        if (n <= 0) fail("cannot write the temporary file", path);
        done += static_cast<size_t>(n);
    }
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0)
        fail("cannot size the temporary file", path);
    ::close(fd);
    return path;
}

// --- GPT checksums -------------------------------------------------------------------------
// A mutated GPT almost never has valid CRC32s, so the reader would stop at the CRC checks. The
// GPT-reading targets repair them first (unless the input's first byte is odd, so that the
// CRC checks themselves stay covered): the header at LBA 1 and the one at the last LBA get the
// CRC of the entry array they point to and then their own.

inline uint32_t crc32(const uint8_t* p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

using seedboot::get_le;
using seedboot::put_le32;

inline void fix_gpt_header(std::string& disk, uint64_t lba) {
    constexpr uint64_t kSector = 512;
    if (lba == 0 || (lba + 1) * kSector > disk.size()) return;
    auto* h = reinterpret_cast<uint8_t*>(disk.data()) + lba * kSector;
    if (std::memcmp(h, "EFI PART", 8) != 0) return;
    uint64_t entries_lba = get_le(h + 72, 8);
    uint64_t bytes = get_le(h + 80, 4) * get_le(h + 84, 4);
    if (entries_lba < disk.size() / kSector && bytes <= disk.size() - entries_lba * kSector)
        put_le32(
            h + 88,
            crc32(reinterpret_cast<const uint8_t*>(disk.data()) + entries_lba * kSector, bytes));
    uint32_t header_size = static_cast<uint32_t>(get_le(h + 12, 4));
    if (header_size < 92 || header_size > kSector) return;
    put_le32(h + 16, 0);
    put_le32(h + 16, crc32(h, header_size));
}

inline void fix_gpt_crcs(std::string& disk) {
    if (disk.empty() || (disk[0] & 1)) return;
    fix_gpt_header(disk, 1);
    if (disk.size() >= 1024) fix_gpt_header(disk, disk.size() / 512 - 1);
}

// A disk image input with its GPT CRCs repaired (see fix_gpt_crcs), in the target's temporary file.
inline const std::string& write_disk_temp(const char* target, const uint8_t* data, size_t size) {
    std::string disk(reinterpret_cast<const char*>(data), size);
    fix_gpt_crcs(disk);
    return write_temp(target, reinterpret_cast<const uint8_t*>(disk.data()), disk.size());
}

// Every error must start by naming the file or image it is about: "NAME: ..." (or "NAME:N: ...").
inline void expect_named(const std::string& err, const std::string& name, const char* what) {
    if (err.rfind(name + ":", 0) != 0) fail(what, err);
}

// What parse accepted, formatted and parsed again, is the same, and formatting is a fixed point.
template <class T, class Parse, class Format, class Same>
void check_round_trip(const T& value, Parse parse, Format format, Same same, const char* kind) {
    std::string text = format(value), err;
    T again;
    if (!parse(text, again, err))
        fail((std::string("a formatted ") + kind + " does not parse").c_str(), err + "\n" + text);
    if (!same(value, again)) fail("parse(format(parse(x))) != parse(x)", text);
    if (format(again) != text) fail("format is not a fixed point", text);
}

} // namespace fuzz
