// minisign keys: public and secret key files, encrypted or not; see minisign.hpp.
#include "internal.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/io.hpp"
#include "libseedboot/sys/le.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace builder::minisign {

namespace {

using seedboot::get_le64;
using seedboot::located;
using seedboot::put_le64;

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
[[nodiscard]] bool scrypt_xor(uint8_t* raw, const std::string& password, const std::string& name,
                              std::string& err) {
    uint64_t ops = get_le64(raw + 38), mem = get_le64(raw + 46);
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
[[nodiscard]] bool unpack_secret(const uint8_t* raw, bool encrypted, const std::string& name,
                                 SecretKey& out, std::string& err) {
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

} // namespace

SecretKey::~SecretKey() {
    sodium_memzero(sk.data(), sk.size());
}

std::string key_id_hex(const KeyId& id) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llX", static_cast<unsigned long long>(get_le64(id.data())));
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

[[nodiscard]] bool parse_public_key_base64(std::string_view b64, PublicKey& out,
                                           std::string& what) {
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

[[nodiscard]] bool parse_public_key_file(std::string_view text, const std::string& name,
                                         PublicKey& out, std::string& err) {
    auto lines = lines_of(text);
    size_t bad = 0;
    if (lines.size() < 2) {
        err = name +
              ": expected a minisign public key file: 2 lines (untrusted comment, key), "
              "found " +
              std::to_string(lines.size());
        return false;
    }
    if (!expect_prefix(lines, 0, kUntrusted, name, err)) return false;
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

[[nodiscard]] bool load_public_key(const std::string& path, PublicKey& out, std::string& err) {
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

[[nodiscard]] bool format_encrypted_secret_key_file(const SecretKey& sk,
                                                    const std::string& password, uint64_t opslimit,
                                                    uint64_t memlimit, std::string& out,
                                                    std::string& err) {
    uint8_t raw[kSecretKeyBytes];
    Wiped wipe{raw, sizeof raw};
    secret_key_struct(sk, raw); // the checksum is over the clear key, as minisign does
    std::memcpy(raw + 2, "Sc", 2);
    randombytes_buf(raw + 6, 32);
    put_le64(raw + 38, opslimit);
    put_le64(raw + 46, memlimit);
    if (!scrypt_xor(raw, password, "new secret key", err)) return false;
    out = secret_key_file(sk, raw);
    return true;
}

// Both of minisign's secret key forms are read: unencrypted (`minisign -G -W`, and what
// `seedboot keygen` writes, for unattended builders) and scrypt-encrypted (`minisign -G`),
// whose password comes from the caller (SEEDBOOT_KEY_PASSWORD) since signing runs
// unattended; there is no prompt.
[[nodiscard]] bool parse_secret_key_file(std::string_view text, const std::string& name,
                                         const std::string* password, SecretKey& out,
                                         std::string& err) {
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

[[nodiscard]] bool load_secret_key(const std::string& path, const std::string* password,
                                   SecretKey& out, std::string& err) {
    std::string text;
    bool ok = read_text(path, "secret key file", text, err) &&
              parse_secret_key_file(text, path, password, out, err);
    sodium_memzero(text.data(), text.size());
    return ok;
}

[[nodiscard]] bool load_secret_key_env(const std::string& path, SecretKey& out, std::string& err) {
    const char* env = std::getenv("SEEDBOOT_KEY_PASSWORD");
    std::string password = env ? env : "";
    bool ok = load_secret_key(path, env ? &password : nullptr, out, err);
    sodium_memzero(password.data(), password.size());
    return ok;
}

namespace {

[[nodiscard]] bool write_key_file(const std::string& path, const std::string& text, mode_t mode,
                                  bool replace, std::string& err) {
    seedboot::AtomicFile f;
    if (!f.create(path, mode, err)) return false;
    if (!seedboot::write_all(f.fd(), text)) {
        err = seedboot::sys_error(path + ": writing " + f.temp_path());
        return false;
    }
    return replace ? f.commit(err) : f.commit_new(err);
}

} // namespace

[[nodiscard]] bool write_key_pair(const SecretKey& sk, const PublicKey& pk,
                                  const std::string& sec_path, const std::string& pub_path,
                                  bool replace, std::string& err) {
    std::string sec = format_secret_key_file(sk);
    bool ok = write_key_file(sec_path, sec, 0600, replace, err) &&
              write_key_file(pub_path, format_public_key_file(pk), 0644, replace, err);
    sodium_memzero(sec.data(), sec.size());
    return ok;
}

} // namespace builder::minisign
