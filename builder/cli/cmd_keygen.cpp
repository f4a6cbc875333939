// seedboot keygen: a new minisign key pair for signing releases. Unencrypted, like
// `minisign -G -W`: builders sign unattended. `minisign -C -s SEC` adds a password, which
// sign and release then read from SEEDBOOT_KEY_PASSWORD.
#include "command.hpp"

#include "builder/release/minisign/minisign.hpp"

#include <filesystem>

namespace builder::cli {

namespace {

namespace ms = minisign;

struct KeygenArgs {
    std::string pub, sec;
    bool force = false;
};

int cmd_keygen(const KeygenArgs& a) {
    std::error_code ec;
    for (const auto* p : {&a.pub, &a.sec})
        if (!a.force && std::filesystem::exists(*p, ec))
            return error(*p + " already exists (expected a new file; --force overwrites it)");
    ms::SecretKey sk;
    ms::PublicKey pk;
    ms::generate(sk, pk);
    std::string err;
    if (!ms::write_key_pair(sk, pk, a.sec, a.pub, a.force, err)) return error(err);
    say("seedboot: key " + ms::key_id_hex(pk.id) + ": secret key -> " + a.sec +
        " (keep it secret), public key -> " + a.pub + "\nseedboot: trust file line: key NAME " +
        ms::public_key_base64(pk));
    return 0;
}

} // namespace

void register_keygen(CLI::App& app, Action& run) {
    auto [c, a] = add_command<KeygenArgs>(app, run, "keygen",
                                          "new minisign key pair for signing releases", cmd_keygen);
    c->add_option("-p,--pubkey", a->pub, "public key file to write")->required();
    c->add_option("-s,--seckey", a->sec, "secret key file to write (unencrypted, 0600)")
        ->required();
    c->add_flag("-f,--force", a->force, "overwrite existing key files");
}

} // namespace builder::cli
