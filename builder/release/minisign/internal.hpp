// What the minisign files share (minisign.hpp is the interface): the formats' constants,
// base64, line handling, error text, and the check of a signature against a key.
#pragma once

#include "minisign.hpp"

#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace builder::minisign {

constexpr std::string_view kUntrusted = "untrusted comment: ";
constexpr std::string_view kTrusted = "trusted comment: ";
constexpr size_t kPublicKeyBytes = 2 + 8 + 32;
constexpr size_t kSignatureBytes = 2 + 8 + 64;
constexpr size_t kSecretKeyBytes = 2 + 2 + 2 + 32 + 8 + 8 + 8 + 64 + 32;
constexpr size_t kKeynumOffset = 54; // where key id | sk | chk starts in the secret key
constexpr size_t kKeynumBytes = 8 + 64 + 32;
// minisign reads the trusted comment line with fgets into 8192 bytes, "\n" and NUL included.
constexpr size_t kMaxTrustedComment = 8192 - 2 - kTrusted.size();
// Like minisign: a legacy signature needs the whole file in memory.
constexpr uint64_t kMaxLegacyBytes = uint64_t{1} << 30;
// Key, signature and trust files are small; anything bigger is the wrong file.
constexpr uintmax_t kMaxTextFile = 1 << 20;

// RAII wipe for buffers that hold secret key material.
struct Wiped {
    void* p;
    size_t n;
    ~Wiped() { sodium_memzero(p, n); }
};

// Standard base64 with padding, as minisign writes it.
std::string base64(const uint8_t* data, size_t size);

// Decodes strict base64 (no spaces, correct padding) into `out`; returns the byte count or
// -1. `out` is larger than any valid input so that a wrong length is seen as wrong.
long unbase64(std::string_view b64, uint8_t* out, size_t cap);

// Splits into lines, dropping the "\r" of CRLF files (minisign trims it too).
std::vector<std::string_view> lines_of(std::string_view text);

// True when nothing but empty lines follows lines[0..used).
[[nodiscard]] bool only_blank_after(const std::vector<std::string_view>& lines, size_t used,
                                    size_t& bad);

// Line `index` (from 0) must start with `prefix` ("untrusted comment: ", "trusted comment: ");
// else `err` says "NAME:LINE: expected 'PREFIX...', found ...".
[[nodiscard]] bool expect_prefix(const std::vector<std::string_view>& lines, size_t index,
                                 std::string_view prefix, const std::string& name,
                                 std::string& err);

// Shows two algorithm bytes as 'Ed', or as hex when they are not printable.
std::string alg_text(const uint8_t* a);

// For error messages: the start of what was found instead, without control characters.
std::string shown(std::string_view s);

// Whether `s` holds a control character (a byte below 0x20, or 0x7f).
[[nodiscard]] bool has_control(std::string_view s);

// A key, signature or trust file, whole (libseedboot/sys/files.hpp).
[[nodiscard]] bool read_text(const std::string& path, const char* what, std::string& out,
                             std::string& err, uintmax_t max = kMaxTextFile);

// Checks the signature over the file and then over the trusted comment. `blake2b` is the
// file's digest for prehashed signatures (computed once by callers checking several).
[[nodiscard]] bool verify_with_digest(const PublicKey& pk, const std::string& path,
                                      const std::array<uint8_t, 64>& blake2b, const Signature& sig,
                                      const std::string& sig_name, std::string& err);

} // namespace builder::minisign
