// Trust files and M-of-N verification; see minisign.hpp.
#include "internal.hpp"

#include "libseedboot/format/text.hpp"

#include <algorithm>
#include <filesystem>

namespace builder::minisign {

namespace {

using seedboot::located;

std::string joined(const std::vector<std::string>& v, const char* none) {
    if (v.empty()) return none;
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

[[nodiscard]] bool parse_trust_line(const std::vector<std::string_view>& w, size_t line,
                                    const std::string& name, Trust& out, size_t& threshold_line,
                                    std::vector<size_t>& key_lines, std::string& err) {
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

[[nodiscard]] bool parse_trust(std::string_view text, const std::string& name, Trust& out,
                               std::string& err) {
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

[[nodiscard]] bool load_trust(const std::string& path, Trust& out, std::string& err) {
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

[[nodiscard]] bool verify_with_trust(const Trust& trust, const std::string& target,
                                     TrustResult& out, std::string& err) {
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
