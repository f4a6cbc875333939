#include "init/verify/verify.hpp"

#include "init/console/console.hpp"
#include "init/verify/hash_ahead.hpp"

#include "libseedboot/format/hex0.hpp"
#include "libseedboot/format/manifest.hpp"
#include "libseedboot/format/tree.hpp"
#include "libseedboot/sys/files.hpp"

#include <algorithm>
#include <string>

namespace init {

namespace {

constexpr int kMaxReported = 10;

void report(int& count, const std::string& what) {
    if (count++ < kMaxReported) fail("manifest: " + what);
}

std::string ends_with_hex0(const std::string& path) {
    const std::string ext = ".hex0";
    if (path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0)
        return path.substr(0, path.size() - ext.size());
    return {};
}

// Fills in the sha256 and size of every file entry of a listed tree.
[[nodiscard]] bool hash_contents(seedboot::Manifest& entries) {
    std::vector<HashedFile> files;
    for (const auto& e : entries)
        if (e.type == 'f') files.push_back({e.path, e.size, "", 0});
    if (!hash_files(files)) return false;
    size_t k = 0;
    for (auto& e : entries)
        if (e.type == 'f') {
            e.sha256 = files[k].sha256;
            e.size = files[k++].size;
        }
    return true;
}

} // namespace

[[nodiscard]] bool verify_manifest(seedboot::Manifest& verified) {
    std::string text, err;
    seedboot::Manifest want, have, part;
    if (!seedboot::read_file("/manifest", "manifest", text, err)) return fail(err);
    if (!seedboot::parse_manifest(text, "/manifest", want, err)) return fail(err);
    // The trees are listed first, then their files hashed with the reading running ahead.
    for (const char* top : {"/seed", "/sources"}) {
        if (!seedboot::scan_tree(top, top, part, err, seedboot::Contents::listed)) return fail(err);
        have.insert(have.end(), part.begin(), part.end());
    }
    if (!hash_contents(have)) return false;
    std::sort(have.begin(), have.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    int bad = 0;
    size_t i = 0, j = 0;
    while (i < want.size() || j < have.size()) {
        if (j == have.size() || (i < want.size() && want[i].path < have[j].path)) {
            report(bad, want[i].path + " is missing (expected " + describe_entry(want[i]) + ")");
            ++i;
        } else if (i == want.size() || have[j].path < want[i].path) {
            report(bad, have[j].path + " is not in the manifest (found " + describe_entry(have[j]) +
                            ")");
            ++j;
        } else {
            std::string w = describe_entry(want[i]), h = describe_entry(have[j]);
            if (w != h) report(bad, want[i].path + ": expected " + w + ", found " + h);
            ++i, ++j;
        }
    }
    if (bad > kMaxReported)
        fail("manifest: " + std::to_string(bad - kMaxReported) + " more differences");
    if (bad) return fail("the root image does not match /manifest: refusing to run anything");
    say("manifest: " + std::to_string(want.size()) + " entries under /seed and /sources verified");
    verified = std::move(want);
    return true;
}

[[nodiscard]] bool audit_seeds() {
    seedboot::Manifest seeds;
    std::string err;
    if (!seedboot::scan_tree("/seed", "/seed", seeds, err)) return fail(err);
    int audited = 0;
    for (const auto& e : seeds) {
        if (e.type == 'd') continue;
        std::string binary = ends_with_hex0(e.path);
        if (!binary.empty()) continue;
        std::string source_text, binary_text;
        if (e.type != 'f' ||
            !seedboot::read_file(e.path + ".hex0", "seed's source", source_text, err, 1u << 20))
            return fail("seed " + e.path + " has no annotated source " + e.path +
                        ".hex0: refusing an unaudited seed");
        if (!seedboot::read_file(e.path, "seed", binary_text, err, 1u << 20)) return fail(err);
        if (auto m = seedboot::hex0_audit(source_text, binary_text))
            return fail("seed " + e.path + " does not match " + e.path + ".hex0 at " +
                        seedboot::describe(*m) + ": refusing to run it");
        ++audited;
    }
    say("seed audit: " + std::to_string(audited) + " seed(s) match their hex0 sources");
    return true;
}

} // namespace init
