// minisign keys, signatures and trust files over libsodium. See minisign.hpp for the formats.
#include "minisign.hpp"

#include "sha256.hpp"
#include "text.hpp"

#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace builder::minisign {

namespace {

using seedboot::located;

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

std::string base64(const uint8_t* data, size_t size) {
    std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

// Decodes strict base64 (no spaces, correct padding) into `out`; returns the byte count or
// -1. `out` is larger than any valid input so that a wrong length is seen as wrong.
long unbase64(std::string_view b64, uint8_t* out, size_t cap) {
    size_t len = 0;
    if (sodium_base642bin(out, cap, b64.data(), b64.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    return static_cast<long>(len);
}

// Splits into lines, dropping the "\r" of CRLF files (minisign trims it too).
std::vector<std::string_view> lines_of(std::string_view text) {
    auto lines = seedboot::split_lines(text);
    for (auto& l : lines)
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    return lines;
}

// True when nothing but empty lines follows lines[0..used).
bool only_blank_after(const std::vector<std::string_view>& lines, size_t used, size_t& bad) {
    for (size_t i = used; i < lines.size(); ++i) {
        if (!lines[i].empty()) {
            bad = i + 1;
            return false;
        }
    }
    return true;
}

// Shows two algorithm bytes as 'Ed', or as hex when they are not printable.
std::string alg_text(const uint8_t* a) {
    if (a[0] > ' ' && a[0] < 127 && a[1] > ' ' && a[1] < 127)
        return "'" + std::string(reinterpret_cast<const char*>(a), 2) + "'";
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%02x%02x", a[0], a[1]);
    return hex;
}

// For error messages: the start of what was found instead, without control characters.
std::string shown(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 40)) out += (c >= ' ' && c < 127) ? c : '?';
    if (s.size() > 40) out += "...";
    return "'" + out + "'";
}

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < ' ' || u == 127;
    });
}

bool read_text(const std::string& path, const char* what, std::string& out, std::string& err,
               uintmax_t max = kMaxTextFile) {
    std::error_code ec;
    uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) {
        err = path + ": cannot read the " + what + ": " + ec.message();
        return false;
    }
    if (size > max) {
        err = path + ": " + std::to_string(size) + " bytes is too big for a " + what +
              " (expected at most " + std::to_string(max) + ")";
        return false;
    }
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        err = path + ": cannot open the " + what + ": " + std::strerror(errno);
        return false;
    }
    out.assign(size, '\0');
    size_t got = std::fread(out.data(), 1, size, f);
    bool ok = got == size && !std::ferror(f);
    std::fclose(f);
    if (!ok) err = path + ": cannot read the " + what;
    return ok;
}

// BLAKE2b-256("Ed" | key id | sk): how minisign tells a right password from a wrong one.
std::array<uint8_t, 32> secret_checksum(const uint8_t* sig_alg, const SecretKey& sk) {
    std::array<uint8_t, 32> chk;
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, chk.size());
    crypto_generichash_update(&st, sig_alg, 2);
    crypto_generichash_update(&st, sk.id.data(), sk.id.size());
    crypto_generichash_update(&st, sk.sk.data(), sk.sk.size());
    crypto_generichash_final(&st, chk.data(), chk.size());
    return chk;
}

void store_le64(uint8_t* p, uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t load_le64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

// The 158 bytes of a secret key file with key id | sk | chk filled in and kdf "none".
void secret_key_struct(const SecretKey& sk, uint8_t* raw) {
    std::memset(raw, 0, kSecretKeyBytes);
    std::memcpy(raw, "Ed\0\0B2", 6);
    uint8_t* keynum = raw + kKeynumOffset;
    std::memcpy(keynum, sk.id.data(), 8);
    std::memcpy(keynum + 8, sk.sk.data(), 64);
    auto chk = secret_checksum(raw, sk);
    std::memcpy(keynum + 72, chk.data(), 32);
}

// The comment does not say whether the key is encrypted: `minisign -C` changes that and
// keeps the comment.
std::string secret_key_file(const SecretKey& sk, const uint8_t* raw) {
    return std::string(kUntrusted) + "seedboot secret key " + key_id_hex(sk.id) + "\n" +
           base64(raw, kSecretKeyBytes) + "\n";
}

// XORs key id | sk | chk with scrypt(password), which both encrypts and decrypts.
bool scrypt_xor(uint8_t* raw, const std::string& password, const std::string& name,
                std::string& err) {
    uint64_t ops = load_le64(raw + 38), mem = load_le64(raw + 46);
    uint8_t stream[kKeynumBytes];
    Wiped wipe{stream, sizeof stream};
    if (crypto_pwhash_scryptsalsa208sha256(stream, sizeof stream, password.data(), password.size(),
                                           raw + 6, ops, static_cast<size_t>(mem)) != 0) {
        err = name + ": cannot derive the key from the password (scrypt with opslimit " +
              std::to_string(ops) + ", memlimit " + std::to_string(mem) +
              " bytes): out of memory or limits out of range";
        return false;
    }
    for (size_t i = 0; i < kKeynumBytes; ++i) raw[kKeynumOffset + i] ^= stream[i];
    return true;
}

// Fills out.id / out.sk from the decrypted struct and checks that it is whole.
bool unpack_secret(const uint8_t* raw, bool encrypted, const std::string& name, SecretKey& out,
                   std::string& err) {
    const uint8_t* keynum = raw + kKeynumOffset;
    std::memcpy(out.id.data(), keynum, 8);
    std::memcpy(out.sk.data(), keynum + 8, 64);
    auto chk = secret_checksum(raw, out);
    Wiped wipe{chk.data(), chk.size()};
    static const uint8_t zero[32] = {};
    // `minisign -G -W` leaves the checksum of an unencrypted key zero; -C -W keeps it.
    bool unchecked = !encrypted && std::memcmp(keynum + 72, zero, 32) == 0;
    if (!unchecked && sodium_memcmp(chk.data(), keynum + 72, 32) != 0) {
        err = encrypted ? name + ": wrong password in SEEDBOOT_KEY_PASSWORD (the key checksum "
                                 "does not match)"
                        : name + ": the key checksum does not match: the file is corrupt";
        return false;
    }
    // The public half is stored after the seed; a garbled file would sign with a key that
    // no public key file matches.
    uint8_t pk[32], sk[64];
    Wiped wipe_sk{sk, sizeof sk};
    crypto_sign_seed_keypair(pk, sk, out.sk.data());
    if (std::memcmp(pk, out.sk.data() + 32, 32) != 0) {
        err = name + ": the secret key is corrupt: its public half does not match its seed";
        return false;
    }
    return true;
}

bool check_trusted_text(std::string_view comment, std::string& err) {
    if (has_control(comment)) {
        err = "the trusted comment " + shown(comment) +
              " has control characters (expected one line of printable text)";
        return false;
    }
    if (comment.size() > kMaxTrustedComment) {
        err = "the trusted comment is " + std::to_string(comment.size()) +
              " bytes (minisign reads at most " + std::to_string(kMaxTrustedComment) + ")";
        return false;
    }
    return true;
}

std::string global_message(const Signature& sig) {
    std::string m(reinterpret_cast<const char*>(sig.sig.data()), sig.sig.size());
    return m + sig.trusted_comment;
}

// A legacy signature is over the file itself, not its hash: the file must fit in memory.
bool read_whole(const std::string& path, std::string& out, std::string& err) {
    if (read_text(path, "file under a legacy 'Ed' signature", out, err, kMaxLegacyBytes))
        return true;
    err += "; re-sign it prehashed ('ED', what seedboot sign writes)";
    return false;
}

// Checks the signature over the file and then over the trusted comment. `blake2b` is the
// file's digest for prehashed signatures (computed once by callers checking several).
bool verify_with_digest(const PublicKey& pk, const std::string& path,
                        const std::array<uint8_t, 64>& blake2b, const Signature& sig,
                        const std::string& sig_name, std::string& err) {
    if (sig.id != pk.id) {
        err =
            sig_name + ": signed by key " + key_id_hex(sig.id) + ", expected " + key_id_hex(pk.id);
        return false;
    }
    int rc;
    if (sig.prehashed) {
        rc = crypto_sign_verify_detached(sig.sig.data(), blake2b.data(), blake2b.size(),
                                         pk.pk.data());
    } else {
        std::string whole;
        if (!read_whole(path, whole, err)) return false;
        rc = crypto_sign_verify_detached(sig.sig.data(),
                                         reinterpret_cast<const uint8_t*>(whole.data()),
                                         whole.size(), pk.pk.data());
    }
    if (rc != 0) {
        err = sig_name + ": signature does not match " + path;
        return false;
    }
    std::string m = global_message(sig);
    if (crypto_sign_verify_detached(sig.global_sig.data(),
                                    reinterpret_cast<const uint8_t*>(m.data()), m.size(),
                                    pk.pk.data()) != 0) {
        err = "trusted comment of " + sig_name + " was altered";
        return false;
    }
    return true;
}

std::string joined(const std::vector<std::string>& v, const char* none) {
    if (v.empty()) return none;
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

bool parse_trust_line(const std::vector<std::string_view>& w, size_t line, const std::string& name,
                      Trust& out, size_t& threshold_line, std::vector<size_t>& key_lines,
                      std::string& err) {
    if (w[0] == "threshold") {
        uint64_t n = 0;
        if (threshold_line) {
            err = located(name, line,
                          "threshold given twice (first on line " + std::to_string(threshold_line) +
                              ")");
            return false;
        }
        if (w.size() != 2 || !seedboot::parse_u64(w[1], n) || n == 0 || n > 1000) {
            err = located(name, line, "expected 'threshold N' with N a number from 1 to 1000");
            return false;
        }
        out.threshold = static_cast<unsigned>(n);
        threshold_line = line;
        return true;
    }
    if (w[0] != "key") {
        err = located(name, line,
                      "expected 'threshold N' or 'key NAME PUBLICKEY', found " + shown(w[0]));
        return false;
    }
    if (w.size() != 3) {
        err = located(name, line, "expected 'key NAME PUBLICKEY' (three words)");
        return false;
    }
    TrustedKey k;
    k.name = std::string(w[1]);
    if (!seedboot::is_clean_name(k.name)) {
        err = located(name, line, "key name " + shown(k.name) + " is not 1-64 of [A-Za-z0-9._+-]");
        return false;
    }
    std::string what;
    if (!parse_public_key_base64(w[2], k.key, what)) {
        err = located(name, line, what);
        return false;
    }
    for (size_t i = 0; i < out.keys.size(); ++i) {
        const auto& o = out.keys[i];
        std::string first = " (first on line " + std::to_string(key_lines[i]) + ")";
        if (o.name == k.name) what = "key name '" + k.name + "' given twice" + first;
        if (o.key.id == k.key.id)
            what = "key " + key_id_hex(k.key.id) + " is listed twice, as '" + o.name + "' and '" +
                   k.name + "'" + first;
        if (!what.empty()) {
            err = located(name, line, what);
            return false;
        }
    }
    out.keys.push_back(k);
    key_lines.push_back(line);
    return true;
}

} // namespace

SecretKey::~SecretKey() {
    sodium_memzero(sk.data(), sk.size());
}

std::string key_id_hex(const KeyId& id) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llX",
                  static_cast<unsigned long long>(load_le64(id.data())));
    return hex;
}

void generate(SecretKey& sk, PublicKey& pk) {
    randombytes_buf(sk.id.data(), sk.id.size());
    crypto_sign_keypair(pk.pk.data(), sk.sk.data());
    pk.id = sk.id;
}

PublicKey public_key_of(const SecretKey& sk) {
    PublicKey pk;
    pk.id = sk.id;
    std::memcpy(pk.pk.data(), sk.sk.data() + 32, 32);
    return pk;
}

std::string public_key_base64(const PublicKey& pk) {
    uint8_t raw[kPublicKeyBytes];
    std::memcpy(raw, "Ed", 2);
    std::memcpy(raw + 2, pk.id.data(), 8);
    std::memcpy(raw + 10, pk.pk.data(), 32);
    return base64(raw, sizeof raw);
}

bool parse_public_key_base64(std::string_view b64, PublicKey& out, std::string& what) {
    uint8_t raw[256];
    long n = unbase64(b64, raw, sizeof raw);
    if (n != static_cast<long>(kPublicKeyBytes)) {
        what = "expected a minisign public key: base64 of 'Ed' | key id (8 bytes) | Ed25519 "
               "key (32 bytes), 56 characters, found " +
               shown(b64);
        if (n == static_cast<long>(kSecretKeyBytes)) what += " (a secret key)";
        if (n == static_cast<long>(kSignatureBytes)) what += " (a signature)";
        return false;
    }
    if (std::memcmp(raw, "Ed", 2) != 0) {
        what = "unsupported public key algorithm " + alg_text(raw) + " (expected 'Ed', Ed25519)";
        return false;
    }
    std::memcpy(out.id.data(), raw + 2, 8);
    std::memcpy(out.pk.data(), raw + 10, 32);
    return true;
}

std::string format_public_key_file(const PublicKey& pk) {
    return std::string(kUntrusted) + "minisign public key " + key_id_hex(pk.id) + "\n" +
           public_key_base64(pk) + "\n";
}

bool parse_public_key_file(std::string_view text, const std::string& name, PublicKey& out,
                           std::string& err) {
    auto lines = lines_of(text);
    size_t bad = 0;
    if (lines.size() < 2) {
        err = name +
              ": expected a minisign public key file: 2 lines (untrusted comment, key), "
              "found " +
              std::to_string(lines.size());
        return false;
    }
    if (!lines[0].starts_with(kUntrusted)) {
        err = located(name, 1, "expected 'untrusted comment: ...', found " + shown(lines[0]));
        return false;
    }
    std::string what;
    if (!parse_public_key_base64(lines[1], out, what)) {
        err = located(name, 2, what);
        return false;
    }
    if (!only_blank_after(lines, 2, bad)) {
        err = located(name, bad, "unexpected content after the public key");
        return false;
    }
    return true;
}

bool load_public_key(const std::string& path, PublicKey& out, std::string& err) {
    std::string text;
    return read_text(path, "public key file", text, err) &&
           parse_public_key_file(text, path, out, err);
}

std::string format_secret_key_file(const SecretKey& sk) {
    uint8_t raw[kSecretKeyBytes];
    Wiped wipe{raw, sizeof raw};
    secret_key_struct(sk, raw);
    return secret_key_file(sk, raw);
}

bool format_encrypted_secret_key_file(const SecretKey& sk, const std::string& password,
                                      uint64_t opslimit, uint64_t memlimit, std::string& out,
                                      std::string& err) {
    uint8_t raw[kSecretKeyBytes];
    Wiped wipe{raw, sizeof raw};
    secret_key_struct(sk, raw); // the checksum is over the clear key, as minisign does
    std::memcpy(raw + 2, "Sc", 2);
    randombytes_buf(raw + 6, 32);
    store_le64(raw + 38, opslimit);
    store_le64(raw + 46, memlimit);
    if (!scrypt_xor(raw, password, "new secret key", err)) return false;
    out = secret_key_file(sk, raw);
    return true;
}

// Both of minisign's secret key forms are read: unencrypted (`minisign -G -W`, and what
// `seedboot keygen` writes, for unattended builders) and scrypt-encrypted (`minisign -G`),
// whose password comes from the caller (SEEDBOOT_KEY_PASSWORD) since signing runs
// unattended; there is no prompt.
bool parse_secret_key_file(std::string_view text, const std::string& name,
                           const std::string* password, SecretKey& out, std::string& err) {
    auto lines = lines_of(text);
    if (lines.size() < 2 || !lines[0].starts_with(kUntrusted)) {
        err = name + ": expected a minisign secret key file: 'untrusted comment: ...' and a "
                     "base64 line";
        return false;
    }
    uint8_t raw[512];
    Wiped wipe{raw, sizeof raw};
    long n = unbase64(lines[1], raw, sizeof raw);
    if (n != static_cast<long>(kSecretKeyBytes)) {
        err =
            located(name, 2, "expected a minisign secret key: base64 of 158 bytes, 212 characters");
        if (n == static_cast<long>(kPublicKeyBytes)) err += " (this is a public key)";
        return false;
    }
    if (std::memcmp(raw, "Ed", 2) != 0 || std::memcmp(raw + 4, "B2", 2) != 0) {
        err = located(name, 2,
                      "unsupported secret key algorithms " + alg_text(raw) + " and " +
                          alg_text(raw + 4) + " (expected 'Ed' and 'B2')");
        return false;
    }
    bool encrypted = std::memcmp(raw + 2, "Sc", 2) == 0;
    if (!encrypted && (raw[2] | raw[3]) != 0) {
        err = located(name, 2,
                      "unsupported key derivation " + alg_text(raw + 2) +
                          " (expected 'Sc', scrypt, or none)");
        return false;
    }
    if (encrypted && !password) {
        err = name +
              " is encrypted with a password: set SEEDBOOT_KEY_PASSWORD to it, or "
              "remove the password with `minisign -C -W -s " +
              name + "`";
        return false;
    }
    if (encrypted && !scrypt_xor(raw, *password, name, err)) return false;
    return unpack_secret(raw, encrypted, name, out, err);
}

bool load_secret_key(const std::string& path, const std::string* password, SecretKey& out,
                     std::string& err) {
    std::string text;
    bool ok = read_text(path, "secret key file", text, err) &&
              parse_secret_key_file(text, path, password, out, err);
    sodium_memzero(text.data(), text.size());
    return ok;
}

bool digest_file(const std::string& path, FileDigest& out, std::string& err) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = path + ": cannot open: " + std::strerror(errno);
        return false;
    }
    std::vector<uint8_t> buf(1 << 16);
    crypto_generichash_state b2;
    crypto_generichash_init(&b2, nullptr, 0, out.blake2b.size());
    seedboot::Sha256 sha;
    out.size = 0;
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            err = path + ": cannot read: " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        crypto_generichash_update(&b2, buf.data(), static_cast<size_t>(n));
        sha.update(buf.data(), static_cast<size_t>(n));
        out.size += static_cast<uint64_t>(n);
    }
    ::close(fd);
    crypto_generichash_final(&b2, out.blake2b.data(), out.blake2b.size());
    out.sha256_hex = sha.hex();
    return true;
}

bool default_trusted_comment(const std::string& path, const FileDigest& d, const std::string& extra,
                             std::string& out, std::string& err) {
    std::string base = std::filesystem::path(path).filename().string();
    out = "file:" + base + " size:" + std::to_string(d.size) + " sha256:" + d.sha256_hex;
    if (!extra.empty()) out += " " + extra;
    if (!check_trusted_text(out, err)) {
        err = "cannot sign " + path + ": " + err;
        return false;
    }
    return true;
}

bool sign_file(const SecretKey& sk, const std::string& path, const std::string& extra,
               Signature& out, std::string& err) {
    FileDigest d;
    if (!digest_file(path, d, err)) return false;
    out.prehashed = true;
    out.id = sk.id;
    if (!default_trusted_comment(path, d, extra, out.trusted_comment, err)) return false;
    out.untrusted_comment = "signature from seedboot secret key " + key_id_hex(sk.id);
    crypto_sign_detached(out.sig.data(), nullptr, d.blake2b.data(), d.blake2b.size(), sk.sk.data());
    std::string m = global_message(out);
    crypto_sign_detached(out.global_sig.data(), nullptr, reinterpret_cast<const uint8_t*>(m.data()),
                         m.size(), sk.sk.data());
    return true;
}

std::string format_signature(const Signature& sig) {
    uint8_t raw[kSignatureBytes];
    std::memcpy(raw, sig.prehashed ? "ED" : "Ed", 2);
    std::memcpy(raw + 2, sig.id.data(), 8);
    std::memcpy(raw + 10, sig.sig.data(), 64);
    return std::string(kUntrusted) + sig.untrusted_comment + "\n" + base64(raw, sizeof raw) + "\n" +
           std::string(kTrusted) + sig.trusted_comment + "\n" +
           base64(sig.global_sig.data(), sig.global_sig.size()) + "\n";
}

bool parse_signature(std::string_view text, const std::string& name, Signature& out,
                     std::string& err) {
    auto lines = lines_of(text);
    size_t bad = 0;
    if (lines.size() < 4) {
        err = name +
              ": truncated: expected 4 lines (untrusted comment, signature, trusted "
              "comment, global signature), found " +
              std::to_string(lines.size());
        return false;
    }
    if (!lines[0].starts_with(kUntrusted)) {
        err = located(name, 1, "expected 'untrusted comment: ...', found " + shown(lines[0]));
        return false;
    }
    uint8_t raw[256];
    if (unbase64(lines[1], raw, sizeof raw) != static_cast<long>(kSignatureBytes)) {
        err = located(name, 2,
                      "expected a signature: base64 of 'ED' | key id (8 bytes) | Ed25519 "
                      "signature (64 bytes), 100 characters, found " +
                          shown(lines[1]));
        return false;
    }
    bool hashed = std::memcmp(raw, "ED", 2) == 0;
    if (!hashed && std::memcmp(raw, "Ed", 2) != 0) {
        err = located(name, 2,
                      "unsupported signature algorithm " + alg_text(raw) +
                          " (expected 'ED', prehashed Ed25519, or the legacy 'Ed')");
        return false;
    }
    if (!lines[2].starts_with(kTrusted)) {
        err = located(name, 3, "expected 'trusted comment: ...', found " + shown(lines[2]));
        return false;
    }
    if (unbase64(lines[3], out.global_sig.data(), out.global_sig.size()) != 64) {
        err = located(name, 4,
                      "expected the global signature: base64 of 64 bytes, 88 characters, "
                      "found " +
                          shown(lines[3]));
        return false;
    }
    if (!only_blank_after(lines, 4, bad)) {
        err = located(name, bad, "unexpected content after the global signature");
        return false;
    }
    out.prehashed = hashed;
    std::memcpy(out.id.data(), raw + 2, 8);
    std::memcpy(out.sig.data(), raw + 10, 64);
    out.untrusted_comment = std::string(lines[0].substr(kUntrusted.size()));
    out.trusted_comment = std::string(lines[2].substr(kTrusted.size()));
    return true;
}

bool load_signature(const std::string& path, Signature& out, std::string& err) {
    std::string text;
    return read_text(path, "signature file", text, err) && parse_signature(text, path, out, err);
}

bool verify_file(const PublicKey& pk, const std::string& path, const Signature& sig,
                 const std::string& sig_name, std::string& err) {
    FileDigest d;
    if (sig.prehashed && !digest_file(path, d, err)) return false;
    return verify_with_digest(pk, path, d.blake2b, sig, sig_name, err);
}

bool parse_trust(std::string_view text, const std::string& name, Trust& out, std::string& err) {
    out = Trust{};
    out.path = name;
    size_t threshold_line = 0;
    std::vector<size_t> key_lines;
    auto lines = lines_of(text);
    for (size_t i = 0; i < lines.size(); ++i) {
        auto w = seedboot::split_words(lines[i]);
        if (w.empty() || w[0].starts_with("#")) continue;
        if (!parse_trust_line(w, i + 1, name, out, threshold_line, key_lines, err)) return false;
    }
    if (out.keys.empty()) {
        err = name + ": no 'key NAME PUBLICKEY' line (expected at least one trusted key)";
        return false;
    }
    if (!threshold_line) {
        err = name + ": no 'threshold N' line (how many distinct keys must have signed)";
        return false;
    }
    if (out.threshold > out.keys.size()) {
        err = located(name, threshold_line,
                      "threshold " + std::to_string(out.threshold) + " is more than the " +
                          std::to_string(out.keys.size()) + " keys listed");
        return false;
    }
    return true;
}

bool load_trust(const std::string& path, Trust& out, std::string& err) {
    std::string text;
    return read_text(path, "trust file", text, err) && parse_trust(text, path, out, err);
}

std::vector<std::string> signature_files(const std::string& target) {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    std::error_code ec;
    fs::path t(target);
    std::string prefix = t.filename().string() + ".minisig";
    fs::path dir = t.parent_path().empty() ? fs::path(".") : t.parent_path();
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string f = it->path().filename().string();
        bool named = f.size() > prefix.size() + 1 && f.starts_with(prefix + ".");
        if ((f == prefix || named) && it->is_regular_file(ec))
            out.push_back((t.parent_path() / f).string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool verify_with_trust(const Trust& trust, const std::string& target, TrustResult& out,
                       std::string& err) {
    out = TrustResult{};
    err.clear();
    FileDigest d;
    bool digested = false;
    std::vector<bool> good(trust.keys.size(), false);
    auto files = signature_files(target);
    for (const auto& f : files) {
        Signature sig;
        std::string why;
        if (!load_signature(f, sig, why)) {
            out.rejected.push_back(why);
            continue;
        }
        auto k = std::find_if(trust.keys.begin(), trust.keys.end(),
                              [&](const TrustedKey& t) { return t.key.id == sig.id; });
        if (k == trust.keys.end()) {
            out.rejected.push_back(f + ": signed by key " + key_id_hex(sig.id) +
                                   ", which is not in " + trust.path);
            continue;
        }
        // The file is hashed once however many signatures there are.
        if (sig.prehashed && !digested && !(digested = digest_file(target, d, err))) return false;
        if (!verify_with_digest(k->key, target, d.blake2b, sig, f, why)) {
            out.rejected.push_back(why);
            continue;
        }
        good[static_cast<size_t>(k - trust.keys.begin())] = true;
    }
    for (size_t i = 0; i < trust.keys.size(); ++i)
        (good[i] ? out.signed_by : out.missing).push_back(trust.keys[i].name);
    if (out.signed_by.size() >= trust.threshold) return true;
    err = target + ": " + describe(trust, out);
    if (files.empty())
        err += " (no signature file: looked for " + target + ".minisig and " + target +
               ".minisig.NAME)";
    return false;
}

std::string describe(const Trust& trust, const TrustResult& r) {
    return std::to_string(r.signed_by.size()) + " of " + std::to_string(trust.threshold) +
           " required signatures: signed by " + joined(r.signed_by, "no trusted key") +
           "; missing " + joined(r.missing, "none");
}

} // namespace builder::minisign
