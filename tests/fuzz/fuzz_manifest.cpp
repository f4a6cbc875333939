// parse_manifest on any bytes: true or false with a message, never a crash; an accepted
// manifest is sorted and unique, and parse(format(parse(x))) == parse(x).
#include "fuzz_util.hpp"

#include "libseedboot/format/manifest.hpp"
#include "libseedboot/format/text.hpp"
#include "libseedboot/sys/sha256.hpp"

namespace {

bool same(const seedboot::ManifestEntry& a, const seedboot::ManifestEntry& b) {
    return a.type == b.type && a.mode == b.mode && a.size == b.size && a.sha256 == b.sha256 &&
           a.path == b.path;
}

bool same(const seedboot::Manifest& a, const seedboot::Manifest& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++)
        if (!same(a[i], b[i])) return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    seedboot::Manifest m;
    std::string err;
    if (!seedboot::parse_manifest(fuzz::as_text(data, size), "/manifest", m, err)) {
        fuzz::expect_named(err, "/manifest", "a manifest error does not name the file");
        return 0;
    }
    for (size_t i = 0; i < m.size(); i++) {
        const auto& e = m[i];
        if (i > 0 && !(m[i - 1].path < e.path)) fuzz::fail("entries not sorted and unique", e.path);
        if (!seedboot::is_plain_abs_path(e.path)) fuzz::fail("an entry path is not plain", e.path);
        if (e.mode > 07777) fuzz::fail("mode beyond the permission bits");
        if (e.type == 'd' ? e.sha256 != "-" : !seedboot::is_sha256_hex(e.sha256))
            fuzz::fail("an entry hash is malformed", e.sha256);
        std::string decoded;
        if (!seedboot::decode_path(seedboot::encode_path(e.path), decoded) || decoded != e.path)
            fuzz::fail("decode_path(encode_path(p)) != p", e.path);
    }
    fuzz::check_round_trip(
        m, [](auto t, auto& x, auto& e) { return seedboot::parse_manifest(t, "/manifest", x, e); },
        [](const auto& x) { return seedboot::format_manifest(x); },
        [](const auto& a, const auto& b) { return same(a, b); }, "manifest");
    return 0;
}
