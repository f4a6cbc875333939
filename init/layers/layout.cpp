#include "init/layers/layout.hpp"

#include "init/actions/tree_paths.hpp"
#include "init/console/console.hpp"
#include "init/layers/layer_scan.hpp"
#include "init/layers/layer_store.hpp"

#include "libseedboot/format/layers.hpp"
#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/files.hpp"

#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace init {

namespace fs = std::filesystem;

namespace {

[[nodiscard]] bool copy_tree(const std::string& from, const std::string& to) {
    std::error_code ec;
    std::string err;
    if (!seedboot::make_dirs(fs::path(to).parent_path().string(), err)) return fail(err);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    return !ec || fail("copy " + from + " to " + to + ": " + ec.message());
}

// The mount points of the plan's read-only binds (a folder, or an empty file for a file),
// made through no symlink. Each step's reaper binds over them in its own mount namespace.
[[nodiscard]] bool make_mount_points(const seedboot::Plan& plan, const std::string& root) {
    seedboot::Fd tree(::open(root.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!tree.ok()) return fail_errno("open the build tree's layer " + root);
    for (const auto& b : plan.binds) {
        struct stat st {};
        if (::stat(b.from.c_str(), &st) != 0) return fail_errno("bind source " + b.from);
        if (!make_mount_point(tree.get(), b.to, S_ISDIR(st.st_mode))) return false;
    }
    return true;
}

[[nodiscard]] bool build_layer(const seedboot::Plan& plan, const std::string& layer) {
    std::string err;
    for (const auto& d : plan.mkdirs)
        if (!seedboot::make_dirs(layer + d, err)) return fail(err);
    for (const auto& c : plan.copies)
        if (!copy_tree(c.from, layer + c.to)) return false;
    return make_mount_points(plan, layer);
}

std::string key_of(const seedboot::Plan& plan, const seedboot::Manifest& m) {
    seedboot::KeyInput in{plan.arch, "-", seedboot::layout_definition(plan), {}};
    for (const auto& c : plan.copies)
        in.reads.push_back("source " + c.from + " " + seedboot::source_digest(m, c.from));
    return seedboot::layer_key(in);
}

} // namespace

[[nodiscard]] bool lay_out(const seedboot::Plan& plan, const Work& work,
                           const seedboot::Manifest& manifest, LayerCache& cache,
                           seedboot::Journal& j) {
    const std::string name = seedboot::kLayoutLayer, path = layer_path(work, name);
    std::string key = key_of(plan, manifest);
    seedboot::LayerDigest d;
    uint64_t bytes = 0;
    bool hit = false;
    if (!fresh_layer(work, name, "00-layout")) return false;
    if (!fetch_layer(cache, key, path, d, hit) && !fresh_layer(work, name, "00-layout"))
        return false;
    if (!hit && (!build_layer(plan, path) || !digest_layer(path, d, &bytes))) return false;
    if (d.entries == 0 && ::rmdir(path.c_str()) != 0) return fail_errno("remove empty " + path);
    // The plan beside the journal lets `seedboot status` read a work disk alone. One flush
    // for the layer and the plan, before the line that commits them.
    std::string err;
    if (!seedboot::write_file_atomic(work.plan_copy(), seedboot::format_plan(plan), 0644, err,
                                     seedboot::AtomicFile::Sync::atomic_only) ||
        !seedboot::sync_fs(work.dir, err))
        return fail(err);
    std::string lines = (j.format == 0 ? seedboot::journal_header() : "") +
                        seedboot::journal_layout({d.sha256, d.entries, key, hit});
    if (!seedboot::append_durably(work.journal(), lines, err)) return fail(err);
    j.format = seedboot::kJournalFormat;
    j.laid_out = true;
    j.layout_layer = d.sha256;
    j.layout_entries = d.entries;
    j.layout_key = key;
    say("build tree laid out" + std::string(hit ? " from the layer cache" : "") + ": layer " +
        name + ", " + std::to_string(d.entries) + " entries");
    if (!hit) store_layer(cache, key, d.entries ? path : work.layers() + "/.empty", d, bytes);
    return true;
}

} // namespace init
