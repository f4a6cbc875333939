// A StageX package.toml (packages/<group>/<name>/package.toml), read with the
// meaning StageX's own build gives it: src/common.py reads it, src/fetch.py names
// and downloads each source, src/targets.py derives the build arguments. Only what
// changes what is fetched or built is kept; every error names the file, the line,
// the key and what was expected.
//
//   [package]        name (the fetch folder), version, platforms; description,
//                    license and website are accepted and ignored
//   [sources.NAME]   hash (sha256), mirrors (URLs), and optionally file, version,
//                    format, git_sha. file defaults to the last path part of the
//                    first mirror; version to the package's. file may use
//                    {version} {version_under} {version_dash} {version_major}
//                    {version_major_minor} {version_strip_suffix} {format};
//                    mirrors those and {file}.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace builder::stagex {

struct Source {
    std::string name; // the table's key: "M2_Planet"
    size_t line = 0;  // its [sources.NAME] header, for messages
    // The file in the fetch folder (StageX's fetch/<group>/<package>/FILE), what
    // `ADD fetch/FILE` and `COPY --from=fetch FILE` name.
    std::string file;
    std::string version;         // its own version, else the package's; "" if neither has one
    bool own_version = false;    // the table names a version (StageX's NAME_VERSION/NAME_SOURCE)
    std::string sha256;          // 64 lower-case hex digits
    std::string format, git_sha; // as written; "" when absent
    std::vector<std::string> mirrors; // expanded http(s) URLs, in the file's order
};

// A build argument StageX passes to `docker build` (--build-arg NAME=VALUE).
struct BuildArg {
    std::string name, value;
};

struct Package {
    std::string path;                   // the package.toml, for messages
    std::string name;                   // [package] name
    std::string version;                // "" when absent
    std::vector<std::string> platforms; // "linux/386", ...; empty: StageX's default
    std::vector<Source> sources;        // in the file's order
    // In StageX's order: SOURCE_DATE_EPOCH=1; VERSION, VERSION_UNDER, VERSION_DASH,
    // VERSION_MAJOR, VERSION_MAJOR_MINOR, VERSION_STRIP_SUFFIX when the package has
    // a version; then per source with its own version NAME_VERSION and NAME_SOURCE
    // (the file name), and NAME_GIT_SHA when it has one (NAME: the key upper-cased).
    // Platform arguments (TARGETARCH...) are the build's, not the package's.
    std::vector<BuildArg> build_args;
};

[[nodiscard]] bool load_package(const std::string& path, Package& out, std::string& err);

// The source whose file is `file`, or nullptr.
const Source* find_source(const Package& p, const std::string& file);

} // namespace builder::stagex
