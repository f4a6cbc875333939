// StageX package.toml (toml++ and the stagex reader): any bytes must load or be refused with
// "FILE:LINE: ..." (or "FILE: ..."), never crash; what loads keeps the reader's promises: a
// folder-safe package name, sha256 hashes, plain distinct file names, http(s) mirrors, and
// SOURCE_DATE_EPOCH=1 as the first build argument.
#include "fuzz_util.hpp"

#include "builder/stagex/package_toml.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <set>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = fuzz::write_temp("package.toml", data, size);
    builder::stagex::Package p;
    std::string err;
    if (!builder::stagex::load_package(path, p, err)) {
        fuzz::expect_named(err, path, "a package.toml error does not name the file");
        return 0;
    }
    if (!seedboot::is_clean_name(p.name) || p.name[0] == '.')
        fuzz::fail("a loaded package has a name that is no folder name", p.name);
    if (p.build_args.empty() || p.build_args[0].name != "SOURCE_DATE_EPOCH")
        fuzz::fail("the build arguments do not start with SOURCE_DATE_EPOCH");
    std::set<std::string> files;
    for (const auto& s : p.sources) {
        if (!seedboot::is_sha256_hex(s.sha256)) fuzz::fail("a loaded hash is not sha256", s.name);
        if (s.file.empty() || s.file.find('/') != std::string::npos || s.file == "." ||
            s.file == ".." || !files.insert(s.file).second)
            fuzz::fail("a loaded file name is not a plain, distinct name", s.file);
        if (s.mirrors.empty()) fuzz::fail("a loaded source has no mirror", s.name);
        for (const auto& m : s.mirrors)
            if (m.rfind("http://", 0) != 0 && m.rfind("https://", 0) != 0)
                fuzz::fail("a loaded mirror is not http(s)", m);
    }
    return 0;
}
