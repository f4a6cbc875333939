#include "builder/stagex/root/stage_root.hpp"

#include "builder/image/unpack.hpp"
#include "builder/stagex/root/stage_image.hpp"

#include "builder/spec/source_lock.hpp"
#include "builder/stagex/compile.hpp"
#include "builder/stagex/containerfile.hpp"
#include "builder/stagex/distfiles.hpp"
#include "builder/stagex/fetch/fetch_dir.hpp"
#include "builder/stagex/package_toml.hpp"
#include "builder/stagex/recipe.hpp"

#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/files.hpp"

#include <filesystem>
#include <set>

namespace builder {

namespace fs = std::filesystem;

namespace {

constexpr const char* kImageTop = "/sources/stagex";

struct Stage {
    std::string dir; // packages/bootstrap/stageN of the tree
    stagex::Package package;
    stagex::Recipe recipe;
    stagex::CompileInput input;
    stagex::Compiled compiled;
    bool has_seed = false; // the package folder ships a hex0-seed (`ADD hex0-seed /`)
};

[[nodiscard]] bool check_tree(const Spec& spec, const std::string& tree, std::string& err) {
    if (!fs::is_directory(tree)) {
        err = tree + ": StageX tree not found (get it with `seedboot get " +
              (spec.stagex.lock.empty() ? std::string("rootfs/locks/stagex.lock")
                                        : host_path(spec, spec.stagex.lock, "", "")) +
              " --into DIR` and pass --sources DIR)";
        return false;
    }
    if (spec.stagex.lock.empty()) return true;
    SourceLock lock;
    return load_lock(host_path(spec, spec.stagex.lock, "", ""), lock, err) &&
           check_lock(lock, tree, err);
}

// The platform a guest of `arch` runs natively: what StageX builds for when a stage's
// package.toml names no platforms (stage 3, built per TARGETARCH).
std::string native_platform(const std::string& arch) {
    if (arch == "x86_64") return "linux/amd64";
    if (arch == "aarch64") return "linux/arm64";
    return "linux/386";
}

[[nodiscard]] bool read_stage(const Spec& spec, const std::string& tree, const std::string& arch,
                              Stage& st, std::string& err) {
    st.dir = tree + "/packages/bootstrap/stage" + std::to_string(spec.stagex.stage);
    std::string text;
    stagex::Containerfile cf;
    if (!stagex::load_package(st.dir + "/package.toml", st.package, err) ||
        !seedboot::read_file(st.dir + "/Containerfile", "Containerfile", text, err) ||
        !stagex::parse_containerfile(text, st.dir + "/Containerfile", cf, err))
        return false;
    stagex::BuildInput in;
    for (const auto& a : st.package.build_args) in.args[a.name] = a.value;
    in.platform =
        st.package.platforms.empty() ? native_platform(arch) : st.package.platforms.front();
    if (!stagex::read_recipe(cf, in, st.recipe, err)) return false;
    stagex::CompileInput& c = st.input;
    c.epoch = spec.epoch;
    c.until = spec.stagex.until;
    for (const auto& s : st.package.sources) c.all_fetch_files.push_back(s.file);
    st.has_seed = fs::is_regular_file(st.dir + "/hex0-seed");
    if (st.has_seed) c.seeds["hex0-seed"] = "/seed/hex0-seed";
    if (!stagex::compile_stagex(st.recipe, c, st.compiled, err)) return false;
    if (st.compiled.plan.arch == arch) return true;
    err = spec.file + ": StageX stage " + std::to_string(spec.stagex.stage) + " runs in the " +
          st.compiled.plan.arch + " guest, not " + arch + " (its platforms)";
    return false;
}

// What is wrong with the fetched copy of `file` ("" when it is there and right).
std::string fetch_problem(const Stage& st, const std::string& fetch, const std::string& file) {
    const stagex::Source* src = stagex::find_source(st.package, file);
    return src ? fetch::check_fetched(fetch, st.package.name, *src)
               : "no source of " + st.package.path + " has this file";
}

// "TOP/steps/PKG/FILE" -> PKG, for the files of live-bootstrap's steps/PKG folders ("" else).
std::string steps_package(const std::string& name) {
    size_t steps = name.find("/steps/");
    if (steps == std::string::npos || name.find('/') != steps) return "";
    size_t slash = name.find('/', steps + 7);
    if (slash == std::string::npos || name.find('/', slash + 1) != std::string::npos) return "";
    return name.substr(steps + 7, slash - steps - 7);
}

// live-bootstrap's steps/PKG/sources, read from the fetched archives the plan unpacks (in
// StageX's stage 1, live-bootstrap's own tarball), say which package needs which fetched
// file; the plan is compiled again knowing them, so that UNTIL needs only its prefix's files
// and a missing file is named with the package step that needs it. Its steps/PKG/PKG.ARCH
// .checksums are upstream's answers for what each pass installs.
[[nodiscard]] bool learn_packages(Stage& st, const std::string& fetch, std::string& err) {
    std::vector<stagex::SourcesFile> found;
    auto wanted = [](const std::string& name) {
        std::string pkg = steps_package(name);
        return !pkg.empty() && (name.ends_with("/sources") ||
                                (name.ends_with(".checksums") &&
                                 name.substr(name.rfind('/') + 1).starts_with(pkg + ".")));
    };
    for (const auto& f : st.compiled.files) {
        if (f.kind != stagex::ImageFile::Kind::unpacked ||
            !fetch_problem(st, fetch, f.name).empty())
            continue; // a missing archive is named by check_fetched with the rest
        std::string path = fetch::fetched_path(fetch, st.package.name, f.name);
        std::map<std::string, std::string> texts;
        if (!read_archive_files(path, wanted, texts, err)) return false;
        for (auto& [name, text] : texts) {
            std::string pkg = steps_package(name), file = name.substr(name.rfind('/') + 1);
            if (file == "sources")
                found.push_back({pkg, path + ":" + name, std::move(text)});
            else // PKG.ARCH.checksums
                st.input.package_answers[file.substr(0, file.size() - 10)] =
                    f.image_path + "/" + name;
        }
    }
    if (found.empty() && st.input.package_answers.empty()) return true;
    return stagex::package_files(found, st.input.package_files, err) &&
           stagex::compile_stagex(st.recipe, st.input, st.compiled, err);
}

// Every fetched file the plan needs, checked before anything is packed or booted.
[[nodiscard]] bool check_fetched(const Stage& st, const std::string& fetch, uint64_t stage,
                                 std::string& err) {
    std::string list;
    size_t bad = 0;
    for (const auto& need : st.compiled.needs) {
        const stagex::Source* src = stagex::find_source(st.package, need.file);
        std::string why = fetch_problem(st, fetch, need.file);
        if (why.empty()) continue;
        ++bad;
        list += "\n  " + fetch::fetched_path(fetch, st.package.name, need.file) + ": " + why +
                " (needed by step " + need.step + ")";
        if (src)
            for (const auto& m : src->mirrors) list += "\n    from " + m;
    }
    if (!bad) return true;
    err = std::to_string(bad) + " fetched file(s) the plan needs are missing or wrong:" + list +
          "\nfetch them on a connected machine: `make sources STAGE=" + std::to_string(stage) +
          " SOURCES=DIR` (seedboot fetch " + st.package.path + " --into " + fetch + ")";
    return false;
}

[[nodiscard]] bool copy_file(const std::string& from, const std::string& to, std::string& err) {
    std::error_code ec;
    fs::create_directories(fs::path(to).parent_path(), ec);
    if (!ec) fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec) err = "copy " + from + " to " + to + ": " + ec.message();
    return !ec;
}

// The image's /sources/stagex, made afresh in `staging` from the files the plan names.
[[nodiscard]] bool lay_out(const Spec& spec, const Stage& st, const std::string& fetch,
                           const std::string& staging, const std::string& arch,
                           const std::string& build_dir, std::string& err) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    fs::create_directories(staging, ec);
    if (ec) return err = staging + ": " + ec.message(), false;
    for (const auto& f : st.compiled.files) {
        std::string to = staging + f.image_path.substr(std::string(kImageTop).size());
        std::string fetched = fetch::fetched_path(fetch, st.package.name, f.name);
        using K = stagex::ImageFile::Kind;
        bool ok = true;
        switch (f.kind) {
        case K::fetch:
            ok = copy_file(fetched, to, err);
            break;
        case K::unpacked:
            fs::create_directories(to, ec);
            ok = !ec && unpack_archive(fetched, to, err);
            break;
        case K::context:
            ok = copy_file(st.dir + "/" + f.name, to, err);
            break;
        case K::heredoc:
            fs::create_directories(fs::path(to).parent_path(), ec);
            ok = !ec && seedboot::write_file_atomic(to, f.content, 0644, err);
            break;
        case K::stage_image: {
            auto image = spec.stagex.images.find(f.name);
            if (image == spec.stagex.images.end()) {
                err = spec.file + ": the plan starts from " + f.name +
                      ", which [stagex] images does not name (expected images = { \"" + f.name +
                      "\" = \"FILE.sqfs\" }, the output of make stagex-N)";
                return false;
            }
            fs::create_directories(to, ec);
            ok =
                !ec && unpack_stage_image(host_path(spec, image->second, arch, build_dir), to, err);
            break;
        }
        }
        if (ec) err = to + ": " + ec.message();
        if (!ok || ec) return false;
    }
    return true;
}

// The seed's hex0 source: the one file of that name among the unpacked sources.
[[nodiscard]] bool find_seed_source(const std::string& staging, const std::string& name,
                                    std::string& out, std::string& err) {
    std::vector<std::string> found;
    std::error_code ec;
    if (fs::is_directory(staging + "/unpacked"))
        for (fs::recursive_directory_iterator it(staging + "/unpacked", ec), end; !ec && it != end;
             it.increment(ec))
            if (it->is_regular_file() && it->path().filename() == name)
                found.push_back(it->path().string());
    if (found.size() == 1) return out = found[0], true;
    err = "seed_source '" + name + "': " + std::to_string(found.size()) +
          " files of that name among the unpacked sources in " + staging +
          "/unpacked (expected exactly one)";
    return false;
}

// The first step that starts from or copies out of `image_path` (an earlier stage's image).
std::string first_use(const seedboot::Plan& plan, const std::string& image_path) {
    for (const auto& s : plan.steps) {
        if (s.base == image_path) return s.name;
        if (s.from == "image")
            for (const auto& a : s.argv)
                if (a == image_path || a.starts_with(image_path + "/")) return s.name;
    }
    return "";
}

// An earlier stage's image the plan starts from: the squashfs [stagex] images names for it.
StagexNeed stage_image_need(const Spec& spec, const std::string& name, const std::string& step,
                            const std::string& arch, const std::string& build_dir) {
    auto image = spec.stagex.images.find(name);
    if (image == spec.stagex.images.end())
        return {.name = name, .path = "", .step = step, .problem = "not named by [stagex] images"};
    std::string path = host_path(spec, image->second, arch, build_dir);
    return {.name = name,
            .path = path,
            .step = step,
            .problem = fs::is_regular_file(path) ? "" : "missing"};
}

} // namespace

[[nodiscard]] bool stagex_stage(const Spec& spec, const std::string& arch,
                                const std::string& build_dir, Spec& out, seedboot::Plan& plan,
                                std::string& err) {
    const StagexSpec& x = spec.stagex;
    std::string tree = host_path(spec, x.tree, arch, build_dir);
    std::string fetch = host_path(spec, x.fetch, arch, build_dir);
    Stage st;
    if (!check_tree(spec, tree, err) || !read_stage(spec, tree, arch, st, err) ||
        !learn_packages(st, fetch, err))
        return false;
    if (!check_fetched(st, fetch, x.stage, err)) return false;
    std::string staging =
        fs::absolute(build_dir + "/stagex/" + spec.name + "-" + arch).lexically_normal().string();
    if (!lay_out(spec, st, fetch, staging, arch, build_dir, err)) return false;
    out = spec;
    out.sources.push_back({.name = "stagex", .path = staging, .into = kImageTop});
    plan = st.compiled.plan;
    if (!st.has_seed) return true;
    std::string source;
    if (x.seed_source.empty())
        return err = spec.file + ": [stagex] seed_source is needed: the stage has a hex0-seed "
                                 "to audit against its hex0 source",
               false;
    if (!find_seed_source(staging, x.seed_source, source, err)) return false;
    out.seeds.push_back({.name = "hex0-seed", .binary = st.dir + "/hex0-seed", .source = source});
    return true;
}

[[nodiscard]] bool stagex_plan(const Spec& spec, const std::string& arch,
                               const std::string& build_dir, StagexPlan& out, std::string& err) {
    std::string tree = host_path(spec, spec.stagex.tree, arch, build_dir);
    std::string fetch = host_path(spec, spec.stagex.fetch, arch, build_dir);
    Stage st;
    if (!check_arch(spec, arch, err) || !check_tree(spec, tree, err) ||
        !read_stage(spec, tree, arch, st, err) || !learn_packages(st, fetch, err))
        return false;
    StagexPlan p{.plan = st.compiled.plan, .fetch = fetch};
    for (const auto& need : st.compiled.needs)
        p.fetched.push_back({.name = need.file,
                             .path = fetch::fetched_path(fetch, st.package.name, need.file),
                             .step = need.step,
                             .problem = fetch_problem(st, fetch, need.file)});
    for (const auto& f : st.compiled.files)
        if (f.kind == stagex::ImageFile::Kind::stage_image)
            p.images.push_back(
                stage_image_need(spec, f.name, first_use(p.plan, f.image_path), arch, build_dir));
    for (const auto& root : p.plan.roots) p.platforms.push_back(st.compiled.platforms.at(root));
    // What the PID 1 would parse: make sure it reads back.
    seedboot::Plan reread;
    if (!seedboot::parse_plan(seedboot::format_plan(p.plan), spec.file + " (compiled plan)", reread,
                              err))
        return false;
    out = std::move(p);
    return true;
}

} // namespace builder
