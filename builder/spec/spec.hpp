// Image specs (images/NAME.toml): what goes into a root image and which steps
// run, for which arches. Parsed with toml++; every error names the file, the
// line and what was expected.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace builder {

struct SeedSpec {
    std::string name;   // /seed/NAME (binary) and /seed/NAME.hex0 (its source)
    std::string binary; // host path; {arch} and {build} are expanded per arch
    std::string source;
    std::string into; // optional: also bound read-only over this build-tree path, so that
                      // an upstream entry script runs exactly the audited seed
};

struct SourceSpec {
    std::string name;                // /sources/NAME in the root image
    std::string path;                // host file or directory, {arch}/{build} expanded
    std::string into;                // where the build tree sees it (default /sources/NAME)
    std::vector<std::string> arches; // empty: every arch of the image
    std::string lock;   // optional lock file (rootfs/locks/*.lock) the content must match
    std::string subdir; // optional: pack only this part of the (locked) path
    bool copy = false;  // copied (writable) on first boot, instead of bound read-only
};

struct StepSpec {
    std::string name;
    std::vector<std::string> run; // argv; {arch} expanded
    uint64_t timeout_s = 0;
    std::string cwd = "/";
    std::vector<std::string> outputs;
    uint64_t lines = 0; // expected kaem commands, for progress (0: no estimate)
    std::map<std::string, uint64_t> lines_by_arch; // `lines = { x86_64 = 54, ... }`: per arch
    std::string answers;                           // checked whole right after the step
    std::vector<std::string> arches;               // empty: every arch of the image
};

// [stagex]: the plan and the sources come from one of StageX's bootstrap stages, read
// from its own files (builder/stagex/, builder/image/stagex_root.hpp), not from [[step]]s.
struct StagexSpec {
    std::string tree;        // the StageX checkout; {sources} expanded
    std::string lock;        // optional lock the tree must match (rootfs/locks/stagex.lock)
    uint64_t stage = 0;      // packages/bootstrap/stageN
    std::string fetch;       // the fetch folder: FETCH/stageN/FILE (`seedboot fetch`)
    std::string seed_source; // the name of the seed's hex0 source in an unpacked archive
    std::string until;       // run only up to this step (inclusive); empty: all
    // Our own earlier stages' outputs a stage starts from: "stagex/bootstrap-stageN" -> the
    // squashfs `make stagex-N` packed (host path; {sources}, {build} expanded).
    std::map<std::string, std::string> images;
};

// Guest RAM when a spec names none: enough for stage 0 and the tests' images. GCC's stages
// need more (docs/specs.md).
inline constexpr uint64_t kDefaultMemory = 1024ull << 20;

// A guest RAM size `seedboot boot` accepts: whole MiB, at least 256 MiB (a kernel, the PID 1
// and a step), at most 64 GiB (what an i386 PAE kernel addresses); kMemoryExpected says so.
[[nodiscard]] bool memory_ok(uint64_t bytes);
inline constexpr const char* kMemoryExpected = "a whole number of MiB from 256M to 64G, like 3G";

struct Spec {
    std::string file; // the .toml path, for messages
    std::string dir;  // relative host paths resolve against it
    std::string name; // the file's stem
    std::string description;
    std::vector<std::string> arches;
    uint64_t epoch = 1;               // SOURCE_DATE_EPOCH inside and outside
    uint64_t work_size = 64ull << 20; // bytes
    uint64_t boot_timeout_s = 600;    // the QEMU runner's wall-clock limit
    // Guest CPUs under QEMU (0: one per host core); `seedboot boot --cpus` overrides. What
    // they buy each arch's chains under TCG: docs/performance.md, "Guest CPUs".
    uint64_t cpus = 0;
    // Guest RAM in bytes (`[image] memory = "3G"`); `seedboot boot --memory` overrides.
    uint64_t memory = kDefaultMemory;
    std::vector<SeedSpec> seeds;
    std::vector<SourceSpec> sources;
    std::vector<std::string> dirs;    // made in the build tree on first boot
    std::vector<std::string> env;     // NAME=VALUE
    std::vector<std::string> answers; // build-tree paths of answers files
    bool digest_build = false;        // the finished build tree's digest goes into /result
    std::vector<StepSpec> steps;
    // [vars.ARCH] tables: {NAME} in paths and step arguments, per arch.
    std::map<std::string, std::map<std::string, std::string>> vars;
    std::string sources_dir; // {sources}: user-supplied upstream files (default ../sources)
    bool has_stagex = false;
    StagexSpec stagex;
};

// Whether a seed, source or step with these `arches` (empty: all of the image's) is for `arch`.
[[nodiscard]] bool applies_to(const std::vector<std::string>& arches, const std::string& arch);

// False with `err` when `arch` is not one of the spec's [image] arches.
[[nodiscard]] bool check_arch(const Spec& spec, const std::string& arch, std::string& err);

// Expands {arch} and the spec's [vars.ARCH] in a step argument or path.
std::string expand(const Spec& spec, const std::string& text, const std::string& arch);

[[nodiscard]] bool load_spec(const std::string& path, Spec& out, std::string& err);

// What the command line may change in a loaded spec: {sources}, and for a [stagex] spec
// the step a run ends with (`--until`, `make ... UNTIL=`). False with `err` for an
// --until on a spec that has no [stagex].
[[nodiscard]] bool apply_options(Spec& spec, const std::string& sources, const std::string& until,
                                 std::string& err);

// The image specs (*.toml) in the folder `dir`, sorted; none is an error.
[[nodiscard]] bool list_specs(const std::string& dir, std::vector<std::string>& out,
                              std::string& err);

// Expands {arch}, vars, {build} and {sources} and resolves a relative result against spec.dir.
std::string host_path(const Spec& spec, const std::string& pattern, const std::string& arch,
                      const std::string& build_dir);

// Parses "64M", "1G", "512K" or a plain byte count.
[[nodiscard]] bool parse_size(const std::string& text, uint64_t& out);

} // namespace builder
