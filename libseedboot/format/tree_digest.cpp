#include "tree_digest.hpp"

#include "manifest.hpp"
#include "text.hpp"
#include "tree.hpp"

#include "libseedboot/sys/sha256.hpp"

namespace seedboot {

[[nodiscard]] bool tree_digest(const std::string& dir, TreeDigest& whole, std::string& err,
                               std::map<std::string, TreeDigest>* parts) {
    Manifest m;
    // Entry paths come out under "/t"; the digest covers the part below it.
    if (!scan_tree(dir, "/t", m, err)) return false;
    Sha256 h;
    std::map<std::string, Sha256> part_hash;
    whole.entries = 0;
    for (auto& e : m) {
        if (e.path == "/t") continue;
        e.mode = normalized_mode(e.type, e.mode);
        std::string rel = e.path.substr(3);
        std::string line = describe_entry(e) + " " + encode_path("/" + rel) + "\n";
        h.update(line.data(), line.size());
        ++whole.entries;
        if (!parts) continue;
        std::string top = rel.substr(0, rel.find('/'));
        part_hash[top].update(line.data(), line.size());
        ++(*parts)[top].entries;
    }
    whole.sha256 = h.hex();
    if (parts)
        for (auto& [top, hash] : part_hash) (*parts)[top].sha256 = hash.hex();
    return true;
}

} // namespace seedboot
