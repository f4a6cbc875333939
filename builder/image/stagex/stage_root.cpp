#include "stage_root.hpp"

#include "unpack.hpp"

#include "builder/fetch/fetch_dir.hpp"
#include "builder/spec/source_lock.hpp"
#include "builder/stagex/compile.hpp"
#include "builder/stagex/containerfile.hpp"
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
    stagex::Compiled compiled;
    bool has_seed = false; // the package folder ships a hex0-seed (`ADD hex0-seed /`)
};

bool check_tree(const Spec& spec, const std::string& tree, std::string& err) {
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

bool read_stage(const Spec& spec, const std::string& tree, Stage& st, std::string& err) {
    st.dir = tree + "/packages/bootstrap/stage" + std::to_string(spec.stagex.stage);
    std::string text;
    stagex::Containerfile cf;
    if (!stagex::load_package(st.dir + "/package.toml", st.package, err) ||
        !seedboot::read_file(st.dir + "/Containerfile", "Containerfile", text, err) ||
        !stagex::parse_containerfile(text, st.dir + "/Containerfile", cf, err))
        return false;
    stagex::BuildInput in;
    for (const auto& a : st.package.build_args) in.args[a.name] = a.value;
    if (!st.package.platforms.empty()) in.platform = st.package.platforms.front();
    if (!stagex::read_recipe(cf, in, st.recipe, err)) return false;
    stagex::CompileInput c;
    c.epoch = spec.epoch;
    c.until = spec.stagex.until;
    for (const auto& s : st.package.sources) c.all_fetch_files.push_back(s.file);
    st.has_seed = fs::is_regular_file(st.dir + "/hex0-seed");
    if (st.has_seed) c.seeds["hex0-seed"] = "/seed/hex0-seed";
    return stagex::compile_stagex(st.recipe, c, st.compiled, err);
}

// Every fetched file the plan needs, checked before anything is packed or booted.
bool check_fetched(const Stage& st, const std::string& fetch, uint64_t stage, std::string& err) {
    std::string list;
    size_t bad = 0;
    for (const auto& need : st.compiled.needs) {
        const stagex::Source* src = stagex::find_source(st.package, need.file);
        std::string why = src ? fetch::check_fetched(fetch, st.package.name, *src)
                              : "no source of " + st.package.path + " has this file";
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

bool copy_file(const std::string& from, const std::string& to, std::string& err) {
    std::error_code ec;
    fs::create_directories(fs::path(to).parent_path(), ec);
    if (!ec) fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec) err = "copy " + from + " to " + to + ": " + ec.message();
    return !ec;
}

// The image's /sources/stagex, made afresh in `staging` from the files the plan names.
bool lay_out(const Stage& st, const std::string& fetch, const std::string& staging,
             std::string& err) {
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
        case K::stage_image:
            err = f.image_path + ": an earlier stage's image (" + f.name +
                  ") as a source is not supported yet";
            return false;
        }
        if (ec) err = to + ": " + ec.message();
        if (!ok || ec) return false;
    }
    return true;
}

// The seed's hex0 source: the one file of that name among the unpacked sources.
bool find_seed_source(const std::string& staging, const std::string& name, std::string& out,
                      std::string& err) {
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

} // namespace

bool stagex_stage(const Spec& spec, const std::string& arch, const std::string& build_dir,
                  Spec& out, seedboot::Plan& plan, std::string& err) {
    const StagexSpec& x = spec.stagex;
    std::string tree = host_path(spec, x.tree, arch, build_dir);
    std::string fetch = host_path(spec, x.fetch, arch, build_dir);
    Stage st;
    if (!check_tree(spec, tree, err) || !read_stage(spec, tree, st, err)) return false;
    if (st.compiled.plan.arch != arch) {
        err = spec.file + ": StageX stage " + std::to_string(x.stage) + " runs in the " +
              st.compiled.plan.arch + " guest, not " + arch + " (its platforms)";
        return false;
    }
    if (!check_fetched(st, fetch, x.stage, err)) return false;
    std::string staging =
        fs::absolute(build_dir + "/stagex/" + spec.name + "-" + arch).lexically_normal().string();
    if (!lay_out(st, fetch, staging, err)) return false;
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

} // namespace builder
