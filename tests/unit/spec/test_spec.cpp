// Image specs: what a user writes by hand, so every mistake must be named.
#include "builder/spec/spec.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#define TOML_EXCEPTIONS 0 // as spec.cpp
#include "builder/spec/toml_unicode_ub_fix.hpp"

using namespace builder;

// The fix itself, at compile time: a constant expression that reached __builtin_unreachable()
// (toml++ 3.3.0's table for 'Ж', 'é', U+3001) would not compile.
static_assert(!toml::impl::is_non_ascii_horizontal_whitespace(U'\u0416'));
static_assert(!toml::impl::is_non_ascii_horizontal_whitespace(U'\u00E9'));
static_assert(!toml::impl::is_non_ascii_horizontal_whitespace(U'\u3001'));
static_assert(toml::impl::is_non_ascii_horizontal_whitespace(U'\u00A0'));

namespace {

const char* kGood = R"([image]
arches = ["x86_64", "aarch64"]
epoch = 5
work_size = "20M"
cpus = 2
memory = "3G"

[[seed]]
name = "hex0-seed"
binary = "seed/{arch}/bin"
source = "seed/{arch}/src.hex0"

[[source]]
name = "tree"
path = "/abs/{arch}"
mode = "copy"
into = "/"

[build]
dirs = ["/bin"]
env = ["PATH=/bin"]

[[step]]
name = "one"
run = ["/seed/hex0-seed", "a", "b"]
timeout = 10
outputs = ["/b"]
)";

std::string spec_error(const std::string& text) {
    TempDir t;
    std::string path = t.write("img.toml", text);
    Spec s;
    std::string err;
    CHECK_FALSE(load_spec(path, s, err));
    // Messages start with the file name; tests compare what follows it.
    return err.substr(path.size());
}

} // namespace

TEST_CASE("a spec parses into its parts", "[spec]") {
    TempDir t;
    std::string path = t.write("img.toml", kGood);
    Spec s;
    std::string err;
    REQUIRE(load_spec(path, s, err));
    CHECK(s.name == "img");
    CHECK(s.arches == std::vector<std::string>{"x86_64", "aarch64"});
    CHECK(s.epoch == 5);
    CHECK(s.work_size == 20u << 20);
    CHECK(s.cpus == 2);
    CHECK(s.memory == (3ull << 30));
    REQUIRE(s.sources.size() == 1);
    CHECK(s.sources[0].copy);
    CHECK(s.sources[0].into == "/");
    CHECK(host_path(s, s.seeds[0].binary, "aarch64", "b") == t.path + "/seed/aarch64/bin");
    CHECK(host_path(s, "{build}/x", "i386", "/b") == "/b/x");
    CHECK(host_path(s, s.sources[0].path, "x86_64", "b") == "/abs/x86_64");
    REQUIRE(s.steps.size() == 1);
    CHECK(s.steps[0].timeout_s == 10);
}

TEST_CASE("spec errors name the file, the line and what was expected", "[spec]") {
    std::string base = "[image]\narches = [\"x86_64\"]\n";
    std::string step = "[[step]]\nname = \"s\"\nrun = [\"/x\"]\ntimeout = 5\n";
    CHECK(spec_error("[image\n").find(":1: ") == 0);
    CHECK(spec_error(step) == ":1: missing table [image]");
    CHECK(spec_error(base) == ":1: no [[step]] tables (expected at least one step)");
    CHECK(spec_error("[image]\narches = [\"sparc\"]\n" + step) ==
          ":2: arch 'sparc' (expected i386, x86_64 or aarch64)");
    CHECK(spec_error(base + "colour = 1\n" + step) == ":3: unknown key 'colour' in [image]");
    CHECK(spec_error(base + "[build]\ndigest = 1\n" + step) ==
          ":4: 'digest' must be true or false");
    CHECK(spec_error(base + "[[step]]\nname = \"s\"\nrun = [\"/x\"]\n") ==
          ":3: missing key 'timeout'");
    CHECK(spec_error(base + "[[step]]\nname = \"s\"\nrun = [\"x\"]\ntimeout = 5\n") ==
          ":3: program 'x' is not a clean absolute path (expected /a/b)");
    CHECK(spec_error(base + "[[step]]\nname = \"s\"\nrun = [\"/x\", \"a b\"]\ntimeout = 5\n") ==
          ":3: argument 'a b' contains a space or control character");
    CHECK(spec_error(base + step + step) == ":7: step name 's' is used twice");
    CHECK(spec_error(base + "[[source]]\nname = \"t\"\npath = \"p\"\nmode = \"rw\"\n" + step) ==
          ":3: mode 'rw' (expected \"bind\" (read-only) or \"copy\" (writable))");
    CHECK(spec_error("[image]\narches = [\"x86_64\"]\nwork_size = \"1M\"\n" + step) ==
          ":1: work_size '1M' (expected a size of at least 16M, like 64M or 2G)");
    CHECK(spec_error(base + "cpus = 0\n" + step) ==
          ":3: cpus = 0 (expected 1..256 guest CPUs, or no 'cpus' for one per host core)");
    CHECK(spec_error(base + "cpus = 300\n" + step) ==
          ":3: cpus = 300 (expected 1..256 guest CPUs, or no 'cpus' for one per host core)");
    CHECK(spec_error(base + "memory = \"128M\"\n" + step) ==
          ":3: memory '128M' (expected a whole number of MiB from 256M to 64G, like 3G)");
    CHECK(spec_error(base + "memory = \"lots\"\n" + step) ==
          ":3: memory 'lots' (expected a whole number of MiB from 256M to 64G, like 3G)");
    CHECK(spec_error(base + "memory = 3\n" + step) == ":3: 'memory' must be a string");
    CHECK(spec_error(base + "cpus = \"all\"\n" + step) ==
          ":3: 'cpus' must be a non-negative integer");
    CHECK(spec_error(base + "[build]\nenv = [\"SOURCE_DATE_EPOCH=3\"]\n" + step) ==
          ":3: env sets SOURCE_DATE_EPOCH: use [image] epoch instead");
    CHECK(spec_error(base + "[[step]]\nname = \"s\"\nrun = \"/x\"\ntimeout = 5\n") ==
          ":5: 'run' must be an array of strings");
    CHECK(spec_error(base + step + "lines = { sparc = 3 }\n") ==
          ":7: 'lines' names arch 'sparc' (expected i386, x86_64 or aarch64)");
    CHECK(spec_error(base + step + "lines = { i386 = -1 }\n") ==
          ":7: 'lines.i386' must be a non-negative integer");
    std::string sx = "[stagex]\ntree = \"t\"\nfetch = \"f\"\n";
    CHECK(spec_error(base + sx + "stage = 4\n") == ":3: stage 4 (expected 0..3)");
    CHECK(spec_error(base + sx + "stage = 0\n" + step) ==
          ":3: [stagex] takes its steps, seeds and sources from StageX's files (expected no "
          "[[step]], [[seed]], [[source]] or [build] beside it)");
    CHECK(spec_error(base + "[stagex]\ntree = \"t\"\nstage = 0\n") == ":3: missing key 'fetch'");
    CHECK(spec_error(base + sx + "stage = 1\nimages = \"x.sqfs\"\n") ==
          ":7: 'images' must be a table of stagex/bootstrap-stageN = \"FILE.sqfs\"");
    CHECK(spec_error(base + sx + "stage = 1\nimages = { \"stagex/pallet\" = \"x.sqfs\" }\n") ==
          ":7: images: 'stagex/pallet' (expected stagex/bootstrap-stage0..3)");
    CHECK(spec_error(base + sx + "stage = 1\nimages = { \"stagex/bootstrap-stage0\" = 3 }\n") ==
          ":7: images: stagex/bootstrap-stage0 must be the path of a squashfs file");
    CHECK(spec_error(base + step + "lines = \"many\"\n") ==
          ":7: 'lines' must be a non-negative integer or a table of them by arch");
}

TEST_CASE("a spec without cpus leaves the count to the host", "[spec]") {
    TempDir t;
    std::string path = t.write("img.toml", "[image]\narches = [\"x86_64\"]\n[[step]]\nname = "
                                           "\"s\"\nrun = [\"/x\"]\ntimeout = 5\n");
    Spec s;
    std::string err;
    REQUIRE(load_spec(path, s, err));
    CHECK(s.cpus == 0); // seedboot boot: --cpus, else one per host core
}

TEST_CASE("a step's expected command count may differ per arch", "[spec]") {
    TempDir t;
    std::string base = "[image]\narches = [\"x86_64\", \"i386\"]\n[[step]]\nname = \"s\"\n"
                       "run = [\"/x\"]\ntimeout = 5\n";
    Spec s;
    std::string err;
    REQUIRE(load_spec(t.write("a.toml", base + "lines = { x86_64 = 42 }\n"), s, err));
    CHECK(s.steps[0].lines == 0);
    CHECK(s.steps[0].lines_by_arch == std::map<std::string, uint64_t>{{"x86_64", 42}});
    REQUIRE(load_spec(t.write("b.toml", base + "lines = 7\n"), s, err));
    CHECK(s.steps[0].lines == 7);
}

// toml++ 3.3.0 reached __builtin_unreachable() on such characters where it looks for
// whitespace (builder/toml_unicode_ub_fix.hpp); now they are plain parse errors.
TEST_CASE("non-ASCII outside strings is a parse error with file and line", "[spec]") {
    std::string base = "[image]\narches = [\"x86_64\"]\n";
    std::string step = "[[step]]\nname = \"s\"\nrun = [\"/x\"]\ntimeout = 5\n";
    const std::string root = "Error while parsing root table: expected keys, tables, whitespace "
                             "or comments, saw ";
    // A leading "Ж" (alone, and before a whole spec), "é = 1" as a key, a no-break space after
    // a key, a non-ASCII table name.
    CHECK(spec_error("\xD0\x96") == ":1: " + root + "'\xD0\x96'");
    CHECK(spec_error("\xD0\x96" + base + step) == ":1: " + root + "'\xD0\x96'");
    CHECK(spec_error(base + "\xC3\xA9 = 1\n" + step) == ":3: " + root + "'\xC3\xA9'");
    CHECK(spec_error(base + "description\xC2\xA0= \"x\"\n" + step) ==
          ":3: Error while parsing key: expected space or tab, saw '\\u00A0'");
    CHECK(spec_error(base + "[\xE3\x83\x86]\n" + step) ==
          ":3: Error while parsing key: expected bare key starting character or string "
          "delimiter, saw '\xE3\x83\x86'");
}

TEST_CASE("non-ASCII inside a string value is accepted", "[spec]") {
    TempDir t;
    std::string path =
        t.write("img.toml", "[image]\ndescription = \"\xD0\x96 caf\xC3\xA9 \xE2\x9C\x93 "
                            "\xC2\xA0\xE3\x80\x80\"\narches = [\"x86_64\"]\n"
                            "[[step]]\nname = \"s\"\nrun = [\"/x\"]\ntimeout = 5\n");
    Spec s;
    std::string err;
    INFO(err);
    REQUIRE(load_spec(path, s, err));
    CHECK(s.description == "\xD0\x96 caf\xC3\xA9 \xE2\x9C\x93 \xC2\xA0\xE3\x80\x80");
}

TEST_CASE("a missing spec file is named", "[spec]") {
    Spec s;
    std::string err;
    CHECK_FALSE(load_spec("/nonexistent/x.toml", s, err));
    CHECK(err == "/nonexistent/x.toml: spec not found (expected images/NAME.toml)");
}

TEST_CASE("sizes", "[spec]") {
    uint64_t v = 0;
    CHECK((parse_size("64M", v) && v == 64u << 20));
    CHECK((parse_size("2G", v) && v == 2ull << 30));
    CHECK((parse_size("4096", v) && v == 4096));
    CHECK_FALSE(parse_size("M", v));
    CHECK_FALSE(parse_size("12X", v));
    CHECK_FALSE(parse_size("", v));
}
