// seedboot sign: minisign-compatible signatures over files, with the file's name, size and
// sha256 in the trusted comment; `minisign -V` checks them.
#include "command.hpp"

#include "builder/release/minisign/minisign.hpp"

#include <vector>

namespace builder::cli {

namespace {

namespace ms = minisign;

struct SignArgs {
    std::string key, extra, output, name;
    std::vector<std::string> files;
};

std::string signature_path(const SignArgs& a, const std::string& file) {
    if (!a.output.empty()) return a.output;
    return file + ".minisig" + (a.name.empty() ? "" : "." + a.name);
}

int cmd_sign(const SignArgs& a) {
    if (!a.output.empty() && a.files.size() != 1)
        return error("-o names one signature file, but " + std::to_string(a.files.size()) +
                     " files were given (expected one file with -o)");
    std::string err;
    ms::SecretKey sk;
    if (!ms::load_secret_key_env(a.key, sk, err)) return error(err);
    for (const auto& f : a.files) {
        ms::Signature sig;
        std::string out = signature_path(a, f);
        if (!ms::sign_file(sk, f, a.extra, sig, err) || !ms::write_signature(out, sig, err))
            return error(err);
        say("seedboot: signed " + f + " with key " + ms::key_id_hex(sk.id) + " -> " + out);
    }
    return 0;
}

} // namespace

void register_sign(CLI::App& app, Action& run) {
    auto [c, a] = add_command<SignArgs>(
        app, run, "sign", "write FILE.minisig: minisign signature with file name, size, sha256",
        cmd_sign);
    c->add_option("--key", a->key, "secret key (minisign format; SEEDBOOT_KEY_PASSWORD)")
        ->required();
    c->add_option("-c,--comment,--trusted-comment-extra", a->extra,
                  "appended to the trusted comment, e.g. \"arch=x86_64 spec=default\"");
    c->add_option("-o,--output", a->output, "signature file (only with one FILE)");
    c->add_option("--name", a->name, "write FILE.minisig.NAME instead of FILE.minisig")
        ->check([](const std::string& n) {
            return n.find_first_of("/\n") == std::string::npos && !n.empty()
                       ? std::string()
                       : "a signature name without '/' (FILE.minisig.NAME)";
        });
    c->add_option("files", a->files, "files to sign")->required();
}

} // namespace builder::cli
