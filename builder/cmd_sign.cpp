// seedboot keygen, sign and verify: minisign-compatible signatures over release files, and an
// M-of-N rule (a trust file) so that a release counts only when enough independent builders
// signed the same bytes. `minisign -V` checks each signature on its own.
#include "commands.hpp"
#include "minisign.hpp"

#include <CLI/CLI.hpp>
#include <sodium.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace builder {

namespace {

namespace ms = minisign;

struct KeygenArgs {
    std::string pub, sec;
    bool force = false;
};

struct SignArgs {
    std::string key, extra, output, name;
    std::vector<std::string> files;
};

struct VerifyArgs {
    std::string pubkey, trust, sig;
    std::vector<std::string> files;
};

// CLI11 keeps pointers to these until run() is done; add_signing_commands has no caller
// storage to put them in.
KeygenArgs g_keygen;
SignArgs g_sign;
VerifyArgs g_verify;

// Writes `content` to `path` with `mode`: through a temporary file and a rename, so that a
// failed write never leaves half a key or signature behind. With `exclusive` an existing
// file is an error (checked again at the rename, which does not replace it).
bool write_file(const std::string& path, const std::string& content, mode_t mode, bool exclusive,
                std::string& err) {
    std::string tmp = path + ".tmp-seedboot";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        err = tmp + ": cannot create: " + std::strerror(errno);
        return false;
    }
    auto size = static_cast<ssize_t>(content.size());
    bool ok = ::fchmod(fd, mode) == 0 && ::write(fd, content.data(), content.size()) == size &&
              ::fsync(fd) == 0;
    int saved = errno;
    if (::close(fd) != 0 && ok) ok = false, saved = errno;
    if (ok && exclusive && ::link(tmp.c_str(), path.c_str()) != 0) ok = false, saved = errno;
    if (ok && !exclusive && ::rename(tmp.c_str(), path.c_str()) != 0) ok = false, saved = errno;
    if (exclusive || !ok) ::unlink(tmp.c_str());
    if (!ok) err = path + ": cannot write: " + std::strerror(saved);
    return ok;
}

int cmd_keygen(const KeygenArgs& a) {
    std::error_code ec;
    for (const auto* p : {&a.pub, &a.sec})
        if (!a.force && std::filesystem::exists(*p, ec))
            return error(*p + " already exists (expected a new file; --force overwrites it)");
    ms::SecretKey sk;
    ms::PublicKey pk;
    ms::generate(sk, pk);
    std::string err;
    // Unencrypted, like `minisign -G -W`: builders sign unattended. `minisign -C -s SEC` adds
    // a password, which sign then reads from SEEDBOOT_KEY_PASSWORD.
    std::string sec = ms::format_secret_key_file(sk);
    bool ok = write_file(a.sec, sec, 0600, !a.force, err) &&
              write_file(a.pub, ms::format_public_key_file(pk), 0644, !a.force, err);
    sodium_memzero(sec.data(), sec.size());
    if (!ok) return error(err);
    std::printf("seedboot: key %s: secret key -> %s (keep it secret), public key -> %s\n"
                "seedboot: trust file line: key NAME %s\n",
                ms::key_id_hex(pk.id).c_str(), a.sec.c_str(), a.pub.c_str(),
                ms::public_key_base64(pk).c_str());
    return 0;
}

std::string signature_path(const SignArgs& a, const std::string& file) {
    if (!a.output.empty()) return a.output;
    return file + ".minisig" + (a.name.empty() ? "" : "." + a.name);
}

int cmd_sign(const SignArgs& a) {
    if (!a.output.empty() && a.files.size() != 1)
        return error("-o names one signature file, but " + std::to_string(a.files.size()) +
                     " files were given (expected one file with -o)");
    std::string err;
    const char* env = std::getenv("SEEDBOOT_KEY_PASSWORD");
    std::string password = env ? env : "";
    ms::SecretKey sk;
    bool loaded = ms::load_secret_key(a.key, env ? &password : nullptr, sk, err);
    sodium_memzero(password.data(), password.size());
    if (!loaded) return error(err);
    for (const auto& f : a.files) {
        ms::Signature sig;
        if (!ms::sign_file(sk, f, a.extra, sig, err)) return error(err);
        std::string out = signature_path(a, f);
        if (!write_file(out, ms::format_signature(sig), 0644, false, err)) return error(err);
        std::printf("seedboot: signed %s with key %s -> %s\n", f.c_str(),
                    ms::key_id_hex(sk.id).c_str(), out.c_str());
    }
    return 0;
}

int verify_with_pubkey(const VerifyArgs& a) {
    if (!a.sig.empty() && a.files.size() != 1)
        return error("-x names one signature file, but " + std::to_string(a.files.size()) +
                     " files were given (expected one file with -x)");
    ms::PublicKey pk;
    std::string err;
    if (!ms::load_public_key(a.pubkey, pk, err)) return error(err);
    int rc = 0;
    for (const auto& f : a.files) {
        std::string sig_path = a.sig.empty() ? f + ".minisig" : a.sig;
        ms::Signature sig;
        if (!ms::load_signature(sig_path, sig, err) ||
            !ms::verify_file(pk, f, sig, sig_path, err)) {
            rc = error(err);
            continue;
        }
        std::printf("seedboot: %s: good signature by key %s\nseedboot: trusted comment: %s\n",
                    f.c_str(), ms::key_id_hex(pk.id).c_str(), sig.trusted_comment.c_str());
    }
    return rc;
}

int verify_with_trust(const VerifyArgs& a) {
    if (!a.sig.empty()) return error("-x goes with --pubkey; --trust finds the signatures itself");
    ms::Trust trust;
    std::string err;
    if (!ms::load_trust(a.trust, trust, err)) return error(err);
    int rc = 0;
    for (const auto& f : a.files) {
        ms::TrustResult r;
        bool ok = ms::verify_with_trust(trust, f, r, err);
        for (const auto& why : r.rejected)
            std::fprintf(stderr, "seedboot: not counted: %s\n", why.c_str());
        if (!ok) {
            rc = error(err);
            continue;
        }
        std::printf("seedboot: %s: %s\n", f.c_str(), ms::describe(trust, r).c_str());
    }
    return rc;
}

int cmd_verify(const VerifyArgs& a) {
    if (a.pubkey.empty() == a.trust.empty())
        return error("verify needs --pubkey PUB or --trust FILE (expected exactly one)");
    return a.trust.empty() ? verify_with_pubkey(a) : verify_with_trust(a);
}

} // namespace

void add_signing_commands(CLI::App& app, std::function<int()>& run) {
    auto* k = app.add_subcommand("keygen", "new minisign key pair for signing releases");
    k->add_option("-p,--pubkey", g_keygen.pub, "public key file to write")->required();
    k->add_option("-s,--seckey", g_keygen.sec, "secret key file to write (unencrypted, 0600)")
        ->required();
    k->add_flag("-f,--force", g_keygen.force, "overwrite existing key files");
    k->callback([&] { run = [] { return cmd_keygen(g_keygen); }; });

    auto* s = app.add_subcommand(
        "sign", "write FILE.minisig: minisign signature with file name, size, sha256");
    s->add_option("--key", g_sign.key, "secret key (minisign format; SEEDBOOT_KEY_PASSWORD)")
        ->required();
    s->add_option("-c,--comment,--trusted-comment-extra", g_sign.extra,
                  "appended to the trusted comment, e.g. \"arch=x86_64 spec=default\"");
    s->add_option("-o,--output", g_sign.output, "signature file (only with one FILE)");
    s->add_option("--name", g_sign.name, "write FILE.minisig.NAME instead of FILE.minisig")
        ->check([](const std::string& n) {
            return n.find_first_of("/\n") == std::string::npos && !n.empty()
                       ? std::string()
                       : "a signature name without '/' (FILE.minisig.NAME)";
        });
    s->add_option("files", g_sign.files, "files to sign")->required();
    s->callback([&] { run = [] { return cmd_sign(g_sign); }; });

    auto* v = app.add_subcommand(
        "verify", "check signatures: one key (--pubkey) or M of N trusted keys (--trust)");
    auto* pub = v->add_option("--pubkey", g_verify.pubkey, "minisign public key file");
    v->add_option("--trust", g_verify.trust,
                  "trust file: 'threshold M' and 'key NAME PUBLICKEY' lines; signatures are "
                  "FILE.minisig and FILE.minisig.NAME")
        ->excludes(pub);
    v->add_option("-x,--sig", g_verify.sig, "signature file with --pubkey (default FILE.minisig)");
    v->add_option("files", g_verify.files, "signed files")->required();
    v->callback([&] { run = [] { return cmd_verify(g_verify); }; });
}

} // namespace builder
