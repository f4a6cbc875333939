// seedboot verify: check signatures with one key (--pubkey), or count them against a trust
// file (--trust): a release counts only when enough independent builders signed the same bytes.
#include "command.hpp"

#include "builder/release/minisign/minisign.hpp"

#include <cstdio>
#include <vector>

namespace builder::cli {

namespace {

namespace ms = minisign;

struct VerifyArgs {
    std::string pubkey, trust, sig;
    std::vector<std::string> files;
};

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
        say("seedboot: " + f + ": good signature by key " + ms::key_id_hex(pk.id) +
            "\nseedboot: trusted comment: " + sig.trusted_comment);
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
        say("seedboot: " + f + ": " + ms::describe(trust, r));
    }
    return rc;
}

int cmd_verify(const VerifyArgs& a) {
    if (a.pubkey.empty() == a.trust.empty())
        return error("verify needs --pubkey PUB or --trust FILE (expected exactly one)");
    return a.trust.empty() ? verify_with_pubkey(a) : verify_with_trust(a);
}

} // namespace

void register_verify(CLI::App& app, Action& run) {
    auto [c, a] = add_command<VerifyArgs>(
        app, run, "verify", "check signatures: one key (--pubkey) or M of N trusted keys (--trust)",
        cmd_verify);
    auto* pub = c->add_option("--pubkey", a->pubkey, "minisign public key file");
    c->add_option("--trust", a->trust,
                  "trust file: 'threshold M' and 'key NAME PUBLICKEY' lines; signatures are "
                  "FILE.minisig and FILE.minisig.NAME")
        ->excludes(pub);
    c->add_option("-x,--sig", a->sig, "signature file with --pubkey (default FILE.minisig)");
    c->add_option("files", a->files, "signed files")->required();
}

} // namespace builder::cli
