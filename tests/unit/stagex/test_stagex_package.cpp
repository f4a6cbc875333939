// StageX's package.toml: the files each source names, its mirrors and the build
// arguments, as StageX's own build derives them (fetch.py, targets.py), on trees
// these tests write in the shapes of StageX's bootstrap stages; and every error
// names the file, the line, the key and what was expected.
#include "builder/stagex/package_toml.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace builder::stagex;

namespace {

const std::string kHashA(64, 'a'), kHashB(64, 'b'), kHashC(64, 'c');

Package load_ok(const TempDir& t, const std::string& text) {
    Package p;
    std::string err;
    INFO(text);
    REQUIRE(load_package(t.write("package.toml", text), p, err));
    return p;
}

std::string load_err(const TempDir& t, const std::string& text) {
    Package p;
    std::string err;
    INFO(text);
    REQUIRE_FALSE(load_package(t.write("package.toml", text), p, err));
    return err;
}

std::vector<std::string> args(const Package& p) {
    std::vector<std::string> out;
    for (const auto& a : p.build_args) out.push_back(a.name + "=" + a.value);
    return out;
}

} // namespace

TEST_CASE("stagex: a stage0-shaped package: sources with their own versions", "[stagex]") {
    TempDir t;
    Package p =
        load_ok(t, "[package]\nname = \"stage0\"\nplatforms = [\"linux/386\"]\n\n"
                   "[sources.stage0_posix_x86]\nhash = \"" +
                       kHashA +
                       "\"\nversion = \"a15adc\"\n"
                       "file = \"stage0-posix-x86-{version}.tar.gz\"\n"
                       "mirrors = [\"https://example.org/s0/archive/{version}.tar.gz\",]\n\n"
                       "[sources.M2_Planet]\nhash = \"" +
                       kHashB +
                       "\"\nversion = \"5c251e\"\nfile = \"M2-Planet-{version}.tar.gz\"\n"
                       "mirrors = [\"https://a.example/{version}.tar.gz\", "
                       "\"https://b.example/snap/{file}\"]\n");
    CHECK(p.name == "stage0");
    CHECK(p.version.empty());
    CHECK(p.platforms == std::vector<std::string>{"linux/386"});
    REQUIRE(p.sources.size() == 2);
    CHECK(p.sources[0].name == "stage0_posix_x86"); // the file's order, not sorted
    CHECK(p.sources[0].line == 5);
    CHECK(p.sources[0].file == "stage0-posix-x86-a15adc.tar.gz");
    CHECK(p.sources[0].sha256 == kHashA);
    CHECK(p.sources[0].mirrors ==
          std::vector<std::string>{"https://example.org/s0/archive/a15adc.tar.gz"});
    CHECK(p.sources[1].file == "M2-Planet-5c251e.tar.gz");
    CHECK(p.sources[1].mirrors ==
          std::vector<std::string>{"https://a.example/5c251e.tar.gz",
                                   "https://b.example/snap/M2-Planet-5c251e.tar.gz"});
    CHECK(args(p) == std::vector<std::string>{
                         "SOURCE_DATE_EPOCH=1", "STAGE0_POSIX_X86_VERSION=a15adc",
                         "STAGE0_POSIX_X86_SOURCE=stage0-posix-x86-a15adc.tar.gz",
                         "M2_PLANET_VERSION=5c251e", "M2_PLANET_SOURCE=M2-Planet-5c251e.tar.gz"});
    CHECK(find_source(p, "M2-Planet-5c251e.tar.gz") == &p.sources[1]);
    CHECK(find_source(p, "nope") == nullptr);
}

TEST_CASE("stagex: a stage1-shaped package: a git version, sources without one", "[stagex]") {
    TempDir t;
    Package p =
        load_ok(t, "[package]\nname = \"stage1\"\nversion = \"fc6eeb6b\"\n"
                   "description = \"d\"\nlicense = \"l\"\nwebsite = \"w\"\n"
                   "[sources.zlib_13]\nhash = \"" +
                       kHashA +
                       "\"\nfile = \"zlib-1.3.tar.xz\"\n"
                       "mirrors = [\"https://m1.example/zlib/{file}\", "
                       "\"https://m2.example/{file}\"]\n"
                       "[sources.autoconf]\nhash = \"" +
                       kHashB + "\"\nmirrors = [\"https://m.example/x/ac-{version}.tgz\"]\n");
    REQUIRE(p.sources.size() == 2);
    CHECK(p.sources[0].name == "zlib_13");
    CHECK(p.sources[0].mirrors ==
          std::vector<std::string>{"https://m1.example/zlib/zlib-1.3.tar.xz",
                                   "https://m2.example/zlib-1.3.tar.xz"});
    CHECK_FALSE(p.sources[0].own_version);
    CHECK(p.sources[0].version == "fc6eeb6b"); // the package's
    // No file: the last path part of the first mirror, with the package's version.
    CHECK(p.sources[1].file == "ac-fc6eeb6b.tgz");
    // The package's version arguments; no per-source ones (no own versions).
    // version_major_minor of a one-part version is what StageX's Python prints: None.
    CHECK(args(p) == std::vector<std::string>{"SOURCE_DATE_EPOCH=1", "VERSION=fc6eeb6b",
                                              "VERSION_UNDER=fc6eeb6b", "VERSION_DASH=fc6eeb6b",
                                              "VERSION_MAJOR=fc6eeb6b", "VERSION_MAJOR_MINOR=None",
                                              "VERSION_STRIP_SUFFIX=fc6eeb6b"});
}

TEST_CASE("stagex: every version field, format, and the {{ }} escapes", "[stagex]") {
    TempDir t;
    Package p =
        load_ok(t, "[package]\nname = \"stage3\"\nversion = \"1.2.3-rc1\"\n"
                   "[sources.cmake]\nversion = \"3.31.5\"\nhash = \"" +
                       kHashA +
                       "\"\nformat = \"tar.gz\"\nfile = \"cmake-{version}.{format}\"\n"
                       "mirrors = [\"https://e.example/v{version_major_minor}/{file}\","
                       " \"https://e.example/{version_major}/{version_under}/{version_dash}/"
                       "{version_strip_suffix}/{{x}}\"]\n"
                       "[sources.git]\nhash = \"" +
                       kHashB +
                       "\"\ngit_sha = \"0123abc\"\nfile = \"g-{version_strip_suffix}.tgz\"\n"
                       "mirrors = [\"https://g.example/{file}?raw=1\"]\n");
    CHECK(p.sources[0].file == "cmake-3.31.5.tar.gz");
    CHECK(p.sources[0].format == "tar.gz");
    CHECK(p.sources[0].mirrors ==
          std::vector<std::string>{"https://e.example/v3.31/cmake-3.31.5.tar.gz",
                                   "https://e.example/3/3_31_5/3-31-5/3.31.5/{x}"});
    CHECK(p.sources[1].file == "g-1.2.3.tgz");
    CHECK(p.sources[1].git_sha == "0123abc");
    CHECK(args(p) == std::vector<std::string>{
                         "SOURCE_DATE_EPOCH=1", "VERSION=1.2.3-rc1", "VERSION_UNDER=1_2_3-rc1",
                         "VERSION_DASH=1-2-3-rc1", "VERSION_MAJOR=1", "VERSION_MAJOR_MINOR=1.2",
                         "VERSION_STRIP_SUFFIX=1.2.3", "CMAKE_VERSION=3.31.5",
                         "CMAKE_SOURCE=cmake-3.31.5.tar.gz", "GIT_GIT_SHA=0123abc"});
}

TEST_CASE("stagex: the file name from the first mirror, without query or fragment", "[stagex]") {
    TempDir t;
    Package p =
        load_ok(t, "[package]\nname = \"p\"\n[sources.foo]\nversion = \"1.0\"\nhash = \"" + kHashA +
                       "\"\nmirrors = [\"https://x.example/dl/foo-{version}.tar.gz"
                       "?raw=1#top\", \"https://y.example/other-name.tgz\"]\n");
    CHECK(p.sources[0].file == "foo-1.0.tar.gz");
    CHECK(args(p) == std::vector<std::string>{"SOURCE_DATE_EPOCH=1", "FOO_VERSION=1.0",
                                              "FOO_SOURCE=foo-1.0.tar.gz"});
}

// StageX's targets.py names NAME_SOURCE with the package's version_dash and
// version_under while fetch.py names the file with the source's: what StageX passes
// is what the Containerfile sees, so the argument keeps StageX's value.
TEST_CASE("stagex: NAME_SOURCE keeps StageX's own expansion of version_dash", "[stagex]") {
    TempDir t;
    Package p = load_ok(t, "[package]\nname = \"p\"\nversion = \"2.0\"\n[sources.x]\n"
                           "version = \"1.5\"\nhash = \"" +
                               kHashA +
                               "\"\nfile = \"x-{version_dash}.tgz\"\n"
                               "mirrors = [\"https://x.example/{file}\"]\n");
    CHECK(p.sources[0].file == "x-1-5.tgz");
    CHECK(p.build_args.back().name == "X_SOURCE");
    CHECK(p.build_args.back().value == "x-2-0.tgz");
}

TEST_CASE("stagex: errors name the file, the line, the key and what was expected", "[stagex]") {
    TempDir t;
    const std::string path = t.path + "/package.toml";
    const std::string pkg = "[package]\nname = \"p\"\n";
    auto src = [&](const std::string& body) {
        return pkg + "[sources.s]\nhash = \"" + kHashA + "\"\n" + body;
    };
    Package p;
    std::string err;
    REQUIRE_FALSE(load_package(t.path + "/none.toml", p, err));
    CHECK(err == t.path + "/none.toml: no such file (expected a StageX package.toml)");
    REQUIRE_FALSE(load_package(t.path, p, err));
    CHECK(err == t.path + ": not a regular file (expected a StageX package.toml)");

    CHECK_THAT(load_err(t, "[package\n"), Catch::StartsWith(path + ":1: "));
    CHECK(load_err(t, "[sources.s]\nhash = \"" + kHashA + "\"\nmirrors = []\n") ==
          path + ":1: missing table [package] (expected name, version, platforms)");
    CHECK(load_err(t, "[package]\nversion = \"1\"\n") ==
          path + ":1: [package]: missing key 'name' (the package's name)");
    CHECK(load_err(t, "[package]\nname = \"../x\"\n") ==
          path + ":2: [package] name '../x': expected 1-64 of [A-Za-z0-9._+-], not starting "
                 "with '.' (it names the fetch folder)");
    CHECK(load_err(t, pkg + "nmae = \"x\"\n") ==
          path + ":3: unknown key 'nmae' in [package] (expected description, license, name, "
                 "platforms, version, website)");
    CHECK(load_err(t, pkg + "version_from = \"core-gcc\"\n") ==
          path + ":3: [package] version_from: takes the version of another package (seedboot "
                 "reads one package.toml at a time)");
    CHECK_THAT(load_err(t, pkg + "subpackages = [\"a\"]\n"),
               Catch::Contains(":3: [package] subpackages: builds several targets"));
    CHECK(load_err(t, pkg + "platforms = \"linux/386\"\n") ==
          path + ":3: [package] platforms: expected an array of strings");
    CHECK(load_err(t, pkg + "[build]\nx = 1\n") ==
          path + ":3: unknown table [build] (expected [package] and [sources.NAME])");
    CHECK(load_err(t, pkg + "[sources]\ns = 3\n") == path + ":4: [sources.s]: expected a table");
    CHECK(load_err(t, pkg + "[sources.\"a.b\"]\nhash = \"" + kHashA + "\"\nmirrors = []\n") ==
          path + ":3: [sources.a.b]: expected a name of letters, digits, '_' and '-' (it names "
                 "the build arguments NAME_VERSION, NAME_SOURCE)");

    CHECK(load_err(t, pkg + "[sources.s]\nmirrors = [\"https://x/{file}\"]\nfile = \"f\"\n") ==
          path + ":3: [sources.s]: missing key 'hash' (the file's sha256, 64 lower-case hex "
                 "digits)");
    CHECK(load_err(t, pkg + "[sources.s]\nhash = \"" + std::string(64, 'A') +
                          "\"\nmirrors = [\"https://x/f\"]\n") ==
          path + ":4: [sources.s] hash '" + std::string(64, 'A') +
              "': expected 64 lower-case hex digits (sha256)");
    CHECK_THAT(load_err(t, pkg + "[sources.s]\nhash = \"abc\"\nmirrors = [\"https://x/f\"]\n"),
               Catch::Contains(":4: [sources.s] hash 'abc': expected 64 lower-case hex digits"));
    CHECK(load_err(t, src("file = \"f\"\n")) ==
          path + ":3: [sources.s]: missing key 'mirrors' (an array of URLs)");
    CHECK(load_err(t, src("mirrors = []\n")) ==
          path + ":5: [sources.s] mirrors: empty (expected at least one URL)");
    CHECK(load_err(t, src("mirrors = [\"https://x/f\", 3]\n")) ==
          path + ":5: [sources.s] mirrors: expected only strings");
    CHECK(load_err(t, src("mirrors = [\"https://x/f\"]\nsha = \"x\"\n")) ==
          path + ":6: unknown key 'sha' in [sources.s] (expected file, format, git_sha, hash, "
                 "mirrors, version)");
    CHECK(load_err(t, src("version = 1.5\nmirrors = [\"https://x/f\"]\n")) ==
          path + ":5: [sources.s] version: expected a string");
}

TEST_CASE("stagex: placeholder errors say which placeholder and why", "[stagex]") {
    TempDir t;
    const std::string path = t.path + "/package.toml";
    auto src = [&](const std::string& version, const std::string& body) {
        return "[package]\nname = \"p\"\n" + version + "[sources.s]\nhash = \"" + kHashA + "\"\n" +
               body;
    };
    CHECK(load_err(t, src("", "file = \"f-{verison}.tgz\"\nmirrors = [\"https://x/{file}\"]\n")) ==
          path + ":5: [sources.s] file 'f-{verison}.tgz': unknown placeholder {verison} (known: "
                 "version, version_under, version_dash, version_major, version_major_minor, "
                 "version_strip_suffix, format)");
    CHECK(load_err(t, src("", "file = \"f-{version}.tgz\"\nmirrors = [\"https://x/{file}\"]\n")) ==
          path + ":5: [sources.s] file 'f-{version}.tgz': placeholder {version}: neither "
                 "[sources.s] nor [package] has a version");
    CHECK(load_err(t, src("version = \"7\"\n",
                          "file = \"f\"\nmirrors = [\"https://x/\", \"https://x/{version_major_"
                          "minor}/{file}\"]\n")) ==
          path + ":7: [sources.s] mirrors[1] 'https://x/{version_major_minor}/{file}': "
                 "placeholder {version_major_minor}: version '7' has no minor part (StageX would "
                 "write None)");
    CHECK_THAT(load_err(t, src("version = \"7\"\n",
                               "file = \"f{version:>9}\"\nmirrors = [\"https://x/f\"]\n")),
               Catch::EndsWith("placeholder {version:>9}: only plain {name} fields are supported "
                               "(no positions, conversions or format specs)"));
    CHECK_THAT(load_err(t, src("", "file = \"f{}\"\nmirrors = [\"https://x/f\"]\n")),
               Catch::EndsWith("placeholder {}: only plain {name} fields are supported (no "
                               "positions, conversions or format specs)"));
    CHECK_THAT(load_err(t, src("", "file = \"f}\"\nmirrors = [\"https://x/f\"]\n")),
               Catch::EndsWith("file 'f}': a single '}' at offset 1 (expected '}}' for a brace)"));
    CHECK_THAT(load_err(t, src("", "file = \"f{x\"\nmirrors = [\"https://x/f\"]\n")),
               Catch::EndsWith("file 'f{x': '{' at offset 1 opens no {name} field"));
    CHECK_THAT(load_err(t, src("", "file = \"{file}\"\nmirrors = [\"https://x/f\"]\n")),
               Catch::Contains("unknown placeholder {file}"));
    CHECK(load_err(t, src("", "file = \"f\"\nmirrors = [\"https://x/{fil}\"]\n")) ==
          path + ":6: [sources.s] mirrors[0] 'https://x/{fil}': unknown placeholder {fil} "
                 "(known: version, version_under, version_dash, version_major, "
                 "version_major_minor, version_strip_suffix, format, file)");
    // A version field StageX's targets.py cannot give for NAME_SOURCE: StageX's own
    // build stops there, so does this.
    CHECK(load_err(t, src("", "version = \"1.2\"\nfile = \"f-{version_major}\"\n"
                              "mirrors = [\"https://x/{file}\"]\n")) ==
          path + ":6: [sources.s] file 'f-{version_major}': StageX's build cannot name it for "
                 "S_SOURCE: unknown placeholder {version_major} (known: version, version_dash, "
                 "version_under, format)");
}

TEST_CASE("stagex: file names and URLs that cannot be", "[stagex]") {
    TempDir t;
    const std::string path = t.path + "/package.toml";
    auto src = [&](const std::string& name, const std::string& body) {
        return "[package]\nname = \"p\"\n[sources." + name + "]\nhash = \"" + kHashA + "\"\n" +
               body;
    };
    CHECK(load_err(t, src("s", "file = \"../f\"\nmirrors = [\"https://x/f\"]\n")) ==
          path + ":5: [sources.s] file '../f': expected a plain file name (no '/', space or "
                 "control character, not . or ..)");
    CHECK(load_err(t, src("s", "mirrors = [\"https://x/dir/\"]\n")) ==
          path + ":5: [sources.s] has no file and its first mirror's path names none (expected "
                 "file = \"NAME\")");
    CHECK(load_err(t, src("s", "file = \"f\"\nmirrors = [\"ftp://x/f\"]\n")) ==
          path + ":6: [sources.s] mirrors[0] 'ftp://x/f': expected an http:// or https:// URL "
                 "without spaces");
    CHECK(load_err(t, src("s", "file = \"f\"\nmirrors = [\"https://x/a b\"]\n")) ==
          path + ":6: [sources.s] mirrors[0] 'https://x/a b': expected an http:// or https:// "
                 "URL without spaces");
    CHECK(load_err(t, src("s", "file = \"f\\n\"\nmirrors = [\"https://x/f\"]\n")) ==
          path + ":5: [sources.s] file: contains a control character");
    CHECK(load_err(t, src("s", "file = \"f\"\nmirrors = [\"https://x/\\tf\"]\n")) ==
          path + ":6: [sources.s] mirrors: contains a control character");
    CHECK_THAT(load_err(t, src("\"\"", "file = \"f\"\nmirrors = [\"https://x/f\"]\n")),
               Catch::EndsWith(":3: [sources.]: expected a name of letters, digits, '_' and '-' "
                               "(it names the build arguments NAME_VERSION, NAME_SOURCE)"));
    CHECK(load_err(t, src("a", "file = \"f\"\nmirrors = [\"https://x/f\"]\n") + "[sources.b]\n" +
                          "hash = \"" + kHashB + "\"\nmirrors = [\"https://y/f\"]\n") ==
          path + ":7: [sources.b] file 'f' is also the file of the source at line 3 (expected "
                 "one file each)");
}
