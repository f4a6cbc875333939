#include "init/layers/layer_store.hpp"

#include "init/layers/layer_scan.hpp"
#include "init/layers/step_stubs.hpp"

#include "init/console/console.hpp"
#include "init/journal/journal_trust.hpp"
#include "init/work/aside.hpp"
#include "init/work/space.hpp"

#include "libseedboot/sys/files.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace init {

namespace {

[[nodiscard]] bool make_folders(const Work& work) {
    for (const std::string& d :
         {work.layers(), work.layers() + "/.empty", work.layers() + "/.empty2",
          work.layers() + "/.work", work.view(), work.from_view()})
        if (std::string err; !seedboot::make_dirs(d, err)) return fail(err);
    return make_step_stubs(work.layers() + "/" + kStepStubs);
}

// A format without layers holds a build tree this PID 1 cannot resume.
[[nodiscard]] bool check_format(const Work& work, const seedboot::Journal& j) {
    if (j.format == 0 || j.format >= 3 || (!j.laid_out && j.events.empty())) return true;
    return fail(work.journal() + " is a journal of format " + std::to_string(j.format) +
                " (a seedboot from before build roots were layers): this seedboot cannot "
                "resume that run; boot without --resume to start it afresh");
}

std::vector<std::string> folder_names(const std::string& dir) {
    std::vector<std::string> names;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return names;
    while (dirent* e = ::readdir(d.get())) {
        std::string n = e->d_name;
        if (n != "." && n != ".." && n != ".empty" && n != ".empty2" && n != ".work" &&
            n != kStepStubs)
            names.push_back(n);
    }
    std::sort(names.begin(), names.end());
    return names;
}

// The step (1-based) a layer folder NNNN or FNNNN belongs to; 0 for any other name.
size_t step_number(const seedboot::Plan& plan, const std::string& layer) {
    std::string digits = !layer.empty() && layer[0] == 'F' ? layer.substr(1) : layer;
    if (digits.size() != 4) return 0;
    size_t n = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return 0;
        n = n * 10 + size_t(c - '0');
    }
    return n <= plan.steps.size() ? n : 0;
}

// How a layer folder is named in the aside folder: after its step.
std::string aside_name(const seedboot::Plan& plan, const std::string& layer) {
    if (layer == seedboot::kLayoutLayer) return "00-layout";
    size_t n = step_number(plan, layer);
    if (n == 0) return "layer-" + layer;
    return (layer[0] == 'F' ? "flatten-" : "") + step_id(n - 1, plan.steps[n - 1].name);
}

// The step the journal left started but not finished (cut off, or failed): it starts again on
// the tree below its layer, whatever of that layer reached the disk.
void say_unfinished(const seedboot::Plan& plan, const seedboot::Journal& j) {
    if (j.events.empty()) return;
    const seedboot::JournalEvent& e = j.events.back();
    bool unfinished = e.kind == "begin" || (e.kind == "done" && e.status != 0);
    if (!unfinished || e.index >= plan.steps.size()) return;
    say("layers: [" + std::to_string(e.index + 1) + "] " + plan.steps[e.index].name +
        " was cut off or failed, so it starts again from the tree it started on");
}

// Every committed layer against its digest; `cut` gets the earliest journal line to cut at.
[[nodiscard]] bool check_layers(const Work& work, const seedboot::Replay& r, size_t& cut,
                                std::string& why) {
    if (r.committed.empty()) return true;
    double start = seconds_since_boot();
    uint64_t entries = 0;
    for (const auto& [name, c] : r.committed) {
        seedboot::LayerDigest d;
        if (!digest_layer(layer_path(work, name), d)) {
            say("layer " + name + " cannot be read: it is taken as damaged");
            d = {"unreadable", 0};
        }
        entries += d.entries;
        if (d.sha256 == c.digest.sha256 && d.entries == c.digest.entries) continue;
        say("layer " + name + " is damaged: its digest is " + d.sha256 + " (" +
            std::to_string(d.entries) + " entries), the journal committed " + c.digest.sha256 +
            " (" + std::to_string(c.digest.entries) + ")");
        if (c.line < cut) {
            cut = c.line;
            why = "layer " + name + " no longer matches the line that committed it";
        }
    }
    char took[32];
    std::snprintf(took, sizeof took, "%.2f s", seconds_since_boot() - start);
    say("layers: " + std::to_string(r.committed.size()) + " committed layer(s) checked, " +
        std::to_string(entries) + " entries, " + took);
    return true;
}

[[nodiscard]] bool replay(const seedboot::Plan& plan, const seedboot::Journal& j,
                          seedboot::Replay& r) {
    std::string err;
    return seedboot::replay_stacks(plan, j, r, err) || fail(err);
}

} // namespace

LayerDirs layer_dirs(const Work& work) {
    return {work.layers()};
}

std::string layer_path(const Work& work, const std::string& name) {
    return work.layers() + "/" + name;
}

[[nodiscard]] bool discard_layer(const Work& work, const std::string& name,
                                 const std::string& aside_as, const std::string& why) {
    std::string path = layer_path(work, name), to;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT || fail_errno("stat " + path);
    std::string err;
    if (!seedboot::make_dirs(work.aside(), err)) return fail(err);
    if (!next_copy_name(work.aside() + "/" + aside_as, to)) return false;
    if (::rename(path.c_str(), to.c_str()) != 0) return fail_errno("set aside " + path);
    say("layers: " + why + ": layer " + name + " set aside whole (as " + to + ")");
    return true;
}

[[nodiscard]] bool fresh_layer(const Work& work, const std::string& name,
                               const std::string& aside_as) {
    std::string path = layer_path(work, name);
    if (!discard_layer(work, name, aside_as, "an unfinished attempt is left over")) return false;
    if (::mkdir(path.c_str(), 0755) != 0 || ::chmod(path.c_str(), 0755) != 0)
        return fail_errno("make layer " + path);
    return true;
}

[[nodiscard]] bool open_layers(const Work& work, const seedboot::Plan& plan, seedboot::Journal& j,
                               seedboot::Replay& r) {
    if (!check_format(work, j) || !make_folders(work) || !replay(plan, j, r)) return false;
    size_t cut = SIZE_MAX;
    std::string why;
    if (!check_layers(work, r, cut, why)) return false;
    if (cut != SIZE_MAX && (!cut_journal(work, cut, why, j) || !replay(plan, j, r))) return false;
    say_unfinished(plan, j);
    bool discarded = false;
    for (const std::string& name : folder_names(work.layers())) {
        if (r.committed.count(name)) continue;
        if (!discard_layer(work, name, aside_name(plan, name),
                           "no trusted journal line commits it"))
            return false;
        discarded = true;
    }
    if (!discarded) return true;
    Space space;
    std::string err;
    return reported(seedboot::sync_fs(work.dir, err), err) && work_space(work, space) &&
           bound_aside(work.aside(), aside_cap(space.total_bytes));
}

} // namespace init
