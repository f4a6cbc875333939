// minisign signatures: signing, the signature file, checking one; see minisign.hpp.
#include "internal.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace builder::minisign {

namespace {

using seedboot::located;

[[nodiscard]] bool check_trusted_text(std::string_view comment, std::string& err) {
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
[[nodiscard]] bool read_whole(const std::string& path, std::string& out, std::string& err) {
    if (read_text(path, "file under a legacy 'Ed' signature", out, err, kMaxLegacyBytes))
        return true;
    err += "; re-sign it prehashed ('ED', what seedboot sign writes)";
    return false;
}

} // namespace

[[nodiscard]] bool verify_with_digest(const PublicKey& pk, const std::string& path,
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

[[nodiscard]] bool digest_file(const std::string& path, FileDigest& out, std::string& err) {
    seedboot::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.ok()) {
        err = seedboot::sys_error(path + ": cannot open");
        return false;
    }
    std::vector<uint8_t> buf(1 << 16);
    crypto_generichash_state b2;
    crypto_generichash_init(&b2, nullptr, 0, out.blake2b.size());
    seedboot::Sha256 sha;
    out.size = 0;
    for (;;) {
        ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            err = seedboot::sys_error(path + ": cannot read");
            return false;
        }
        if (n == 0) break;
        crypto_generichash_update(&b2, buf.data(), static_cast<size_t>(n));
        sha.update(buf.data(), static_cast<size_t>(n));
        out.size += static_cast<uint64_t>(n);
    }
    crypto_generichash_final(&b2, out.blake2b.data(), out.blake2b.size());
    out.sha256_hex = sha.hex();
    return true;
}

[[nodiscard]] bool default_trusted_comment(const std::string& path, const FileDigest& d,
                                           const std::string& extra, std::string& out,
                                           std::string& err) {
    std::string base = std::filesystem::path(path).filename().string();
    out = "file:" + base + " size:" + std::to_string(d.size) + " sha256:" + d.sha256_hex;
    if (!extra.empty()) out += " " + extra;
    if (!check_trusted_text(out, err)) {
        err = "cannot sign " + path + ": " + err;
        return false;
    }
    return true;
}

[[nodiscard]] bool sign_file(const SecretKey& sk, const std::string& path, const std::string& extra,
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

[[nodiscard]] bool write_signature(const std::string& path, const Signature& sig,
                                   std::string& err) {
    return seedboot::write_file_atomic(path, format_signature(sig), 0644, err);
}

[[nodiscard]] bool parse_signature(std::string_view text, const std::string& name, Signature& out,
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
    if (!expect_prefix(lines, 0, kUntrusted, name, err)) return false;
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
    if (!expect_prefix(lines, 2, kTrusted, name, err)) return false;
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

[[nodiscard]] bool load_signature(const std::string& path, Signature& out, std::string& err) {
    std::string text;
    return read_text(path, "signature file", text, err) && parse_signature(text, path, out, err);
}

[[nodiscard]] bool verify_file(const PublicKey& pk, const std::string& path, const Signature& sig,
                               const std::string& sig_name, std::string& err) {
    FileDigest d;
    if (sig.prehashed && !digest_file(path, d, err)) return false;
    return verify_with_digest(pk, path, d.blake2b, sig, sig_name, err);
}

} // namespace builder::minisign
