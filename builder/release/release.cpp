#include "release.hpp"

#include "inputs.hpp"
#include "sums.hpp"

#include "builder/release/minisign/minisign.hpp"

#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <set>

namespace builder {

namespace {

namespace ms = minisign;

[[nodiscard]] bool sign_one(const ms::SecretKey& sk, const std::string& file,
                            const std::string& name, const std::string& extra,
                            const std::function<void(const std::string&)>& say, std::string& err) {
    ms::Signature sig;
    std::string out = file + ".minisig." + name;
    if (!ms::sign_file(sk, file, extra, sig, err) || !ms::write_signature(out, sig, err))
        return false;
    say("seedboot: signed " + file + " with key " + ms::key_id_hex(sk.id) + " -> " + out);
    return true;
}

} // namespace

[[nodiscard]] bool make_release(const ReleaseRequest& r,
                                const std::function<void(const std::string&)>& say,
                                std::string& err) {
    if (r.name.find_first_of("/\n") != std::string::npos) {
        err = "--name '" + r.name + "' (expected a name without '/' for FILE.minisig.NAME)";
        return false;
    }
    ms::SecretKey sk;
    std::set<std::string> images;
    if (!ms::load_secret_key_env(r.key, sk, err) || !check_sums(r.dir, images, err)) return false;
    say("seedboot: " + std::to_string(images.size()) + " files match " + r.dir + "/SHA256SUMS");
    Inputs inputs;
    if (!collect_inputs({r.specs, r.build_dir}, images, inputs, err)) return false;
    std::string text = format_inputs(inputs);
    if (!seedboot::write_file_atomic(r.dir + "/INPUTS", text, 0644, err)) return false;
    // Binds each signature to this exact pair: the SHA256SUMS signature also names INPUTS.
    std::string extra = std::string("release:seedboot-") + kSeedbootVersion +
                        " inputs:" + seedboot::sha256_hex(text);
    std::string name = r.name.empty() ? ms::key_id_hex(sk.id) : r.name;
    for (const char* file : {"SHA256SUMS", "INPUTS"})
        if (!sign_one(sk, r.dir + "/" + file, name, extra, say, err)) return false;
    return true;
}

} // namespace builder
