// minisign-compatible keys and signatures, so that a seedboot release can be checked with the
// stock `minisign -V` and we can check signatures that minisign made.
//
// Formats (all base64 lines are the standard alphabet, with padding):
//   public key file:  "untrusted comment: ..." / base64("Ed" | key id (8) | Ed25519 pk (32))
//   signature file:   "untrusted comment: ..." / base64("ED" | key id (8) | sig (64)) /
//                     "trusted comment: TEXT" / base64(global sig (64))
//     where sig = Ed25519(BLAKE2b-512(file)) ("ED", prehashed) or Ed25519(file) ("Ed", legacy)
//     and global sig = Ed25519(sig | TEXT), which is what makes the trusted comment trusted.
//   secret key file:  "untrusted comment: ..." / base64("Ed" | kdf "Sc" or 0 0 | "B2" |
//                     salt (32) | opslimit (8 LE) | memlimit (8 LE) | key id (8) | sk (64) |
//                     chk (32)), chk = BLAKE2b-256("Ed" | key id | sk); with "Sc" the last
//                     104 bytes are XORed with scrypt(password, salt, opslimit, memlimit).
// The key id is printed the way minisign prints it: the 8 bytes as a little-endian number
// in 16 upper-case hex digits.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace builder::minisign {

using KeyId = std::array<uint8_t, 8>;

struct PublicKey {
    KeyId id{};
    std::array<uint8_t, 32> pk{};
};

// The secret half, in the clear. Wiped when destroyed.
struct SecretKey {
    KeyId id{};
    std::array<uint8_t, 64> sk{}; // libsodium's layout: seed (32) | public key (32)
    SecretKey() = default;
    SecretKey(const SecretKey&) = default;
    SecretKey& operator=(const SecretKey&) = default;
    ~SecretKey();
};

struct Signature {
    bool prehashed = true; // "ED"; false: legacy "Ed", a signature over the whole file
    KeyId id{};
    std::array<uint8_t, 64> sig{};
    std::string untrusted_comment; // the text after "untrusted comment: "
    std::string trusted_comment;   // the text after "trusted comment: "
    std::array<uint8_t, 64> global_sig{};
};

// "4CC62CF4CFDE0B91": what minisign prints for a key.
std::string key_id_hex(const KeyId& id);

// A fresh random key pair.
void generate(SecretKey& sk, PublicKey& pk);
PublicKey public_key_of(const SecretKey& sk);

// The base64 line alone ("RWQ..."), as minisign -P takes it and trust files list it.
std::string public_key_base64(const PublicKey& pk);
[[nodiscard]] bool parse_public_key_base64(std::string_view b64, PublicKey& out, std::string& what);
std::string format_public_key_file(const PublicKey& pk);
[[nodiscard]] bool parse_public_key_file(std::string_view text, const std::string& name,
                                         PublicKey& out, std::string& err);
[[nodiscard]] bool load_public_key(const std::string& path, PublicKey& out, std::string& err);

// Unencrypted (kdf 0 0, as `minisign -G -W` writes), with the checksum filled in.
std::string format_secret_key_file(const SecretKey& sk);
// Encrypted with scrypt (kdf "Sc", as `minisign -G` writes). minisign uses opslimit 2^25 and
// memlimit 1 GiB; tests pass smaller limits, which the file records.
[[nodiscard]] bool format_encrypted_secret_key_file(const SecretKey& sk,
                                                    const std::string& password, uint64_t opslimit,
                                                    uint64_t memlimit, std::string& out,
                                                    std::string& err);
// `password` may be null; an encrypted key then fails with an error saying how to give one.
[[nodiscard]] bool parse_secret_key_file(std::string_view text, const std::string& name,
                                         const std::string* password, SecretKey& out,
                                         std::string& err);
[[nodiscard]] bool load_secret_key(const std::string& path, const std::string* password,
                                   SecretKey& out, std::string& err);
// The same with the password from SEEDBOOT_KEY_PASSWORD, if set: signing runs unattended.
[[nodiscard]] bool load_secret_key_env(const std::string& path, SecretKey& out, std::string& err);

// Writes the secret key file (unencrypted, 0600) and the public key file (0644), each as an
// AtomicFile (libseedboot/sys/atomic_file.hpp). Without `replace`, a file that exists is an
// error and is left as it is.
[[nodiscard]] bool write_key_pair(const SecretKey& sk, const PublicKey& pk,
                                  const std::string& sec_path, const std::string& pub_path,
                                  bool replace, std::string& err);

// What seedboot puts in the trusted comment: "file:NAME size:BYTES sha256:HEX" and then
// `extra` if not empty. No timestamp, so that signing again gives the same bytes.
struct FileDigest {
    uint64_t size = 0;
    std::string sha256_hex;
    std::array<uint8_t, 64> blake2b{};
};
[[nodiscard]] bool digest_file(const std::string& path, FileDigest& out, std::string& err);
[[nodiscard]] bool default_trusted_comment(const std::string& path, const FileDigest& d,
                                           const std::string& extra, std::string& out,
                                           std::string& err);

// Signs `path` (prehashed "ED"). Deterministic: Ed25519 needs no randomness.
[[nodiscard]] bool sign_file(const SecretKey& sk, const std::string& path, const std::string& extra,
                             Signature& out, std::string& err);
std::string format_signature(const Signature& sig);
// The signature file at `path`, written as an AtomicFile.
[[nodiscard]] bool write_signature(const std::string& path, const Signature& sig, std::string& err);
[[nodiscard]] bool parse_signature(std::string_view text, const std::string& name, Signature& out,
                                   std::string& err);
[[nodiscard]] bool load_signature(const std::string& path, Signature& out, std::string& err);

// Checks `sig` (read from `sig_name`) over the file at `path`: the key id, the signature over
// the file, then the global signature over the trusted comment.
[[nodiscard]] bool verify_file(const PublicKey& pk, const std::string& path, const Signature& sig,
                               const std::string& sig_name, std::string& err);

// A trust file: which keys are accepted and how many distinct ones must have signed.
//   # comment
//   threshold 2
//   key alice RWQ...
struct TrustedKey {
    std::string name;
    PublicKey key;
};
struct Trust {
    std::string path;
    unsigned threshold = 0;
    std::vector<TrustedKey> keys;
};
[[nodiscard]] bool parse_trust(std::string_view text, const std::string& name, Trust& out,
                               std::string& err);
[[nodiscard]] bool load_trust(const std::string& path, Trust& out, std::string& err);

// The signature files that belong to `target`: target.minisig (minisign's default name) and
// target.minisig.NAME for any NAME, sorted. Keys are matched by key id, not by NAME.
std::vector<std::string> signature_files(const std::string& target);

struct TrustResult {
    std::vector<std::string> signed_by; // trust names with a valid signature, in trust order
    std::vector<std::string> missing;   // trust names without one
    std::vector<std::string> rejected;  // one message per signature file that did not count
};
// True when at least trust.threshold distinct trusted keys signed `target`; `err` then
// stays empty, otherwise it says "TARGET: M of N required signatures: ...".
[[nodiscard]] bool verify_with_trust(const Trust& trust, const std::string& target,
                                     TrustResult& out, std::string& err);
// "2 of 2 required signatures: signed by alice, bob; missing carol"
std::string describe(const Trust& trust, const TrustResult& r);

} // namespace builder::minisign
