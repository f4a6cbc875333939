#include "builder/pack/root_image.hpp"

#include "builder/image/image_identity.hpp"
#include "builder/stagex/root/stage_root.hpp"

#include "builder/spec/source_lock.hpp"

#include "libseedboot/format/manifest.hpp"
#include "libseedboot/format/tree.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

namespace builder {

namespace {

// The image entry at `path` for the scanned host entry `e` at `host`: its content is read
// from there when the image is written, a symlink's target now.
[[nodiscard]] bool host_entry(const seedboot::ManifestEntry& e, const std::string& path,
                              const std::string& host, ImageEntry& out, std::string& err) {
    out = {path, e.type, seedboot::normalized_mode(e.type, e.mode), "", ""};
    if (e.type == 'f') out.host_file = host;
    if (e.type != 'l') return true;
    std::error_code ec;
    out.data = std::filesystem::read_symlink(host, ec).string();
    if (ec) err = "readlink " + host + ": " + ec.message();
    return !ec;
}

// Scans a host file or tree into image entries under `prefix`, with normalized
// modes, appending both to the image and to the manifest.
[[nodiscard]] bool add_host_tree(const std::string& host, const std::string& prefix, RootImage& img,
                                 seedboot::Manifest& manifest, std::string& err) {
    seedboot::Manifest scanned;
    if (!seedboot::scan_tree(host, prefix, scanned, err)) return false;
    for (auto& e : scanned) {
        ImageEntry ie;
        if (!host_entry(e, e.path, host + e.path.substr(prefix.size()), ie, err)) return false;
        e.mode = ie.mode;
        img.entries.push_back(std::move(ie));
        manifest.push_back(std::move(e));
    }
    return true;
}

[[nodiscard]] bool add_seeds(const Spec& spec, const std::string& arch,
                             const std::string& build_dir, RootImage& img,
                             seedboot::Manifest& manifest, std::string& err) {
    manifest.push_back({'d', 0755, 0, "-", "/seed"});
    img.entries.push_back({"/seed", 'd', 0755, "", ""});
    for (const auto& seed : spec.seeds) {
        if (!add_host_tree(host_path(spec, seed.binary, arch, build_dir), "/seed/" + seed.name, img,
                           manifest, err) ||
            !add_host_tree(host_path(spec, seed.source, arch, build_dir),
                           "/seed/" + seed.name + ".hex0", img, manifest, err))
            return false;
    }
    return true;
}

[[nodiscard]] bool add_sources(const Spec& spec, const std::string& arch,
                               const std::string& build_dir, RootImage& img,
                               seedboot::Manifest& manifest, std::string& err) {
    manifest.push_back({'d', 0755, 0, "-", "/sources"});
    img.entries.push_back({"/sources", 'd', 0755, "", ""});
    for (const auto& src : spec.sources) {
        if (!applies_to(src.arches, arch)) continue;
        std::string host = host_path(spec, src.path, arch, build_dir);
        SourceLock lock;
        if (!src.lock.empty() &&
            (!load_lock(host_path(spec, src.lock, arch, build_dir), lock, err) ||
             !check_lock(lock, host, err)))
            return false;
        std::string part = src.subdir.empty() ? host : host + "/" + expand(spec, src.subdir, arch);
        if (!add_host_tree(part, "/sources/" + src.name, img, manifest, err)) return false;
    }
    return true;
}

// The PID 1 reads answers from the verified root image, never from the tree the
// steps write: each answers file the plan names must be a file of the image.
[[nodiscard]] bool answers_in_image(const seedboot::Plan& plan, const seedboot::Manifest& manifest,
                                    const std::string& file, std::string& err) {
    std::vector<std::string> files = plan.answers;
    for (const auto& s : plan.steps)
        if (!s.answers.empty()) files.push_back(s.answers);
    for (const auto& a : files) {
        bool found = std::any_of(manifest.begin(), manifest.end(),
                                 [&](const auto& e) { return e.path == a && e.type == 'f'; });
        if (!found) {
            err = file + ": answers '" + a +
                  "' is not a file of the root image (expected /sources/NAME/... or /seed/...: "
                  "the build tree is the steps' to write, so answers are read from the image)";
            return false;
        }
    }
    return true;
}

seedboot::Plan compile_plan(const Spec& spec, const std::string& arch) {
    seedboot::Plan p;
    p.arch = arch;
    p.epoch = spec.epoch;
    p.env = spec.env;
    p.mkdirs = spec.dirs;
    // /seed and /sources each one read-only mount in the tree: a mount point cannot be
    // renamed away, so no step can put a /sources of its own there for a later one.
    p.binds.push_back({"/seed", "/seed"});
    p.binds.push_back({"/sources", "/sources"});
    for (const auto& seed : spec.seeds)
        if (!seed.into.empty())
            p.binds.push_back({"/seed/" + seed.name, expand(spec, seed.into, arch)});
    for (const auto& src : spec.sources) {
        if (!applies_to(src.arches, arch)) continue;
        if (src.copy)
            p.copies.push_back({"/sources/" + src.name, src.into});
        else if (src.into != "/sources/" + src.name)
            p.binds.push_back({"/sources/" + src.name, src.into});
    }
    for (const auto& a : spec.answers) p.answers.push_back(expand(spec, a, arch));
    if (spec.digest_build) p.digest_root = "build";
    for (const auto& s : spec.steps) {
        if (!applies_to(s.arches, arch)) continue;
        seedboot::PlanStep step;
        step.name = s.name;
        step.timeout_s = s.timeout_s;
        step.outputs = s.outputs;
        auto lines = s.lines_by_arch.find(arch);
        step.expect_lines = lines == s.lines_by_arch.end() ? s.lines : lines->second;
        for (const auto& a : s.run) step.argv.push_back(expand(spec, a, arch));
        step.answers = expand(spec, s.answers, arch);
        step.cwd = expand(spec, s.cwd, arch);
        for (auto& o : step.outputs) o = expand(spec, o, arch);
        p.steps.push_back(std::move(step));
    }
    return p;
}

} // namespace

[[nodiscard]] bool dir_entries(const std::string& dir, std::vector<ImageEntry>& out,
                               std::string& err) {
    seedboot::Manifest m;
    // Entry paths come out under "/t"; the image's are what follows it.
    if (!seedboot::scan_tree(dir, "/t", m, err, seedboot::Contents::listed)) return false;
    std::vector<ImageEntry> entries;
    for (const auto& e : m) {
        std::string path = e.path == "/t" ? "/" : e.path.substr(2);
        entries.emplace_back();
        if (!host_entry(e, path, dir + e.path.substr(2), entries.back(), err)) return false;
    }
    out = std::move(entries);
    return true;
}

[[nodiscard]] bool compose_root_image(const Spec& given, const std::string& arch,
                                      const std::string& init, const std::string& build_dir,
                                      RootImage& out, std::string& err) {
    if (!check_arch(given, arch, err)) return false;
    // A StageX stage brings its own plan, seeds and sources (stagex/stage_root.hpp).
    Spec spec = given;
    seedboot::Plan plan;
    if (given.has_stagex && !stagex_stage(given, arch, build_dir, spec, plan, err)) return false;
    if (!given.has_stagex) plan = compile_plan(spec, arch);
    RootImage img;
    seedboot::Manifest manifest;
    for (const char* dir : {"/", "/cache", "/dev", "/proc", "/sys", "/work"})
        img.entries.push_back({dir, 'd', 0755, "", ""});
    if (!std::filesystem::is_regular_file(init)) {
        err = init + ": PID 1 binary not found (build it with make init-" + arch + ")";
        return false;
    }
    img.entries.push_back({"/init", 'f', 0755, init, ""});
    // Sources first: a missing upstream tree is reported with where to get it.
    if (!add_sources(spec, arch, build_dir, img, manifest, err) ||
        !add_seeds(spec, arch, build_dir, img, manifest, err))
        return false;
    std::sort(manifest.begin(), manifest.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    for (size_t i = 1; i < manifest.size(); ++i)
        if (manifest[i].path == manifest[i - 1].path) {
            err = spec.file + ": two seeds or sources both want " + manifest[i].path;
            return false;
        }
    img.plan = std::move(plan);
    if (!answers_in_image(img.plan, manifest, spec.file, err)) return false;
    // The PID 1 will parse this text: make sure it reads back as what we meant.
    seedboot::Plan reread;
    if (!seedboot::parse_plan(seedboot::format_plan(img.plan), spec.file + " (compiled plan)",
                              reread, err))
        return false;
    img.manifest = seedboot::format_manifest(manifest);
    img.entries.push_back({"/plan", 'f', 0644, "", seedboot::format_plan(img.plan)});
    img.entries.push_back({"/manifest", 'f', 0644, "", img.manifest});
    Guid identity;
    if (!image_identity(seedboot::format_plan(img.plan), img.manifest, init, identity, err))
        return false;
    img.entries.push_back({kIdentityPath, 'f', 0644, "", identity_file(identity)});
    out = std::move(img);
    return true;
}

} // namespace builder
