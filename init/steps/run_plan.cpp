#include "init/steps/run_plan.hpp"

#include "init/actions/step_action.hpp"
#include "init/console/console.hpp"
#include "init/layers/layer_copy.hpp"
#include "init/layers/layer_scan.hpp"
#include "init/layers/layer_store.hpp"
#include "init/layers/overlay.hpp"
#include "init/layers/step_stubs.hpp"
#include "init/steps/run_step.hpp"
#include "init/steps/step_outputs.hpp"
#include "init/work/space.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/layers.hpp"
#include "libseedboot/format/tree_digest.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/files.hpp"
#include "libseedboot/sys/io.hpp"

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace init {

namespace {

using seedboot::LayerDigest;
using seedboot::Stack;

struct Run {
    const seedboot::Plan& plan;
    const Work& work;
    seedboot::Journal& j;
    const seedboot::Manifest& manifest;
    LayerCache& cache;
    PlanOutcome& o;
    StepSandbox box;
    Answers a;
    seedboot::Replay live; // the roots as the steps so far have left them
};

std::string tag(const Run& r, size_t i) {
    return "[" + std::to_string(i + 1) + "/" + std::to_string(r.plan.steps.size()) + "] ";
}

std::string seconds(uint64_t millis) {
    char t[32];
    std::snprintf(t, sizeof t, "%.2f s", static_cast<double>(millis) / 1000.0);
    return t;
}

uint64_t millis_since(double start) {
    return static_cast<uint64_t>((seconds_since_boot() - start) * 1000.0);
}

std::string ms(double seconds) {
    char t[32];
    std::snprintf(t, sizeof t, "%.1f ms", seconds * 1000.0);
    return t;
}

std::string log_name(const Work& work, size_t index, const std::string& name) {
    return work.logs() + "/" + step_id(index, name) + ".log";
}

// The log stopped taking output when the disk filled up; with room made, its
// end goes in, so that `seedboot status` shows why the step failed.
void finish_log(const std::string& path, const std::string& tail) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    std::string text = "\n[seedboot: the disk was full; the last " + std::to_string(tail.size()) +
                       " bytes of the output the log missed follow]\n" + tail;
    if (!fd.ok() || !seedboot::write_all(fd.get(), text) || ::fsync(fd.get()) != 0)
        fail_errno("complete log " + path);
}

[[nodiscard]] bool journal(Run& r, const std::string& line, seedboot::JournalEvent e) {
    std::string err;
    if (!seedboot::append_durably(r.work.journal(), line, err)) return fail(err);
    r.j.events.push_back(std::move(e));
    return true;
}

// Mounts root `name` read-only on the view for `use` (hashing outputs, a digest).
[[nodiscard]] bool read_view(Run& r, const Stack& stack, MergedView& view) {
    return mount_view(layer_dirs(r.work), stack, "", r.work.view(), Bottom::empty, view);
}

// What the step's layer depends on besides the tree it starts from (layers.hpp KeyInput).
std::string key_for(const Run& r, const seedboot::PlanStep& s, const Stack& start) {
    seedboot::KeyInput in{r.plan.arch, start.chain, seedboot::step_definition(r.plan, s), {}};
    auto source = [&](const std::string& path) {
        in.reads.push_back("source " + path + " " + seedboot::source_digest(r.manifest, path));
    };
    if (s.action == seedboot::StepAction::run && s.root == "build")
        for (const auto& b : r.plan.binds) source(b.from);
    if (s.action == seedboot::StepAction::start) source(s.base);
    if (s.action == seedboot::StepAction::copy && s.from == "image")
        for (size_t k = 0; k + 1 < s.argv.size(); ++k) source(s.argv[k]);
    if (s.action == seedboot::StepAction::copy && s.from != "image")
        in.reads.push_back("root " + s.from + " " + r.live.roots.at(s.from).chain);
    return seedboot::layer_key(in);
}

// A stack at its depth limit becomes one layer (a copy of its merged view) before step `i`.
[[nodiscard]] bool flatten(Run& r, size_t i, const std::string& root) {
    const Stack& st = r.live.roots.at(root);
    if (st.layers.size() < seedboot::kMaxStackDepth) return true;
    double start = seconds_since_boot();
    std::string name = seedboot::flat_layer_name(i), path = layer_path(r.work, name);
    MergedView view;
    CopyCount n;
    LayerDigest d;
    std::string err;
    if (!fresh_layer(r.work, name, "flatten-" + step_id(i, r.plan.steps[i].name)) ||
        !read_view(r, st, view) || !copy_layer(view.path(), path, n) || !view.unmount() ||
        !digest_layer(path, d) || !reported(seedboot::sync_fs(r.work.dir, err), err))
        return false;
    seedboot::JournalEvent e{
        .kind = "flatten", .index = i, .layer = d.sha256, .layer_entries = d.entries, .root = root};
    if (!journal(r, seedboot::journal_flatten(i, root, {d.sha256, d.entries}), e) ||
        !(seedboot::replay_flatten(e, r.live, err) || fail(err)))
        return false;
    say("root " + root + ": " + std::to_string(st.layers.size()) + " layers flattened into " +
        name + " (" + std::to_string(d.entries) + " entries) in " + seconds(millis_since(start)));
    return true;
}

// The step's work, into the fresh layer folder `layer` over `start`: a program in the
// sandbox, or the PID 1's own action. Outputs are checked in the merged view right after.
// `ready_at` (seconds since boot): when the step's view was ready, for the layer's setup cost.
[[nodiscard]] bool work_in_layer(Run& r, size_t i, const Stack& start, const std::string& layer,
                                 StepOutcome& so, double& ready_at) {
    const auto& s = r.plan.steps[i];
    MergedView view, from;
    double t0 = ready_at = seconds_since_boot();
    if (s.action == seedboot::StepAction::start) { // the new root's first layer, no view
        so.status = run_action(s, {layer_path(r.work, layer), ""}) ? 0 : 1;
        so.millis = millis_since(t0);
        return true;
    }
    // A RUN step's view has the mount points of its /dev, /proc, /sys and /etc stubs below it.
    Bottom bottom = s.action == seedboot::StepAction::run ? Bottom::step_stubs : Bottom::empty;
    if (!mount_view(layer_dirs(r.work), start, layer, r.work.view(), bottom, view)) return false;
    ready_at = seconds_since_boot();
    if (s.action == seedboot::StepAction::run) {
        if (!run_step(r.plan, s, view.path(), r.box, log_name(r.work, i, s.name), so)) return false;
    } else {
        bool from_root = s.action == seedboot::StepAction::copy && s.from != "image";
        if (from_root && !mount_view(layer_dirs(r.work), r.live.roots.at(s.from), "",
                                     r.work.from_view(), Bottom::empty, from))
            return false;
        so.status = run_action(s, {view.path(), from.path()}) ? 0 : 1;
        so.millis = millis_since(t0);
    }
    if (so.status == 0 && !check_step_outputs(view.path(), s, r.a, true)) so.status = 1;
    return from.unmount() && view.unmount();
}

// A step that failed: journaled, so that `seedboot status` shows it; its layer is in no
// trusted line and is discarded when the step runs again.
[[nodiscard]] bool failed(Run& r, size_t i, const StepOutcome& so) {
    const auto& s = r.plan.steps[i];
    r.o.failed_step = s.name;
    r.o.status = so.status ? so.status : 1;
    r.o.disk_full = report_if_full(r.work, "step " + s.name);
    if (so.log_short) finish_log(log_name(r.work, i, s.name), so.tail);
    uint64_t st = static_cast<uint64_t>(r.o.status);
    // The step has failed either way; a journal line that cannot be written was reported by
    // seedboot::append_durably, and the step's untrusted layer is discarded when it runs again.
    (void)journal(r, seedboot::journal_done(i, s.name, st, so.millis),
                  {.kind = "done", .index = i, .name = s.name, .status = st, .millis = so.millis});
    return false;
}

// "done" promises that everything the step wrote survives a power cut: flush the whole
// work file system before saying so.
[[nodiscard]] bool commit(Run& r, size_t i, const seedboot::LayerLine& l, uint64_t millis) {
    const auto& s = r.plan.steps[i];
    seedboot::JournalEvent e{.kind = "done",
                             .index = i,
                             .name = s.name,
                             .millis = millis,
                             .cached = l.cached,
                             .layer = l.digest,
                             .layer_entries = l.entries,
                             .key = l.key};
    std::string err;
    return reported(seedboot::sync_fs(r.work.dir, err), err) &&
           journal(r, seedboot::journal_done(i, s.name, 0, millis, l), e) &&
           (seedboot::replay_done(r.plan, i, e, r.live, err) || fail(err));
}

// A start step from another root (`FROM x AS y`): y shares x's layers; nothing is copied.
[[nodiscard]] bool start_from_root(Run& r, size_t i) {
    const auto& s = r.plan.steps[i];
    double t0 = seconds_since_boot();
    if (!journal(r, seedboot::journal_begin(i, s.name),
                 {.kind = "begin", .index = i, .name = s.name}))
        return false;
    size_t depth = s.base.empty() ? 0 : r.live.roots.at(s.base).layers.size();
    if (!commit(r, i, {}, 0)) return false;
    say(tag(r, i) + s.name + " end status=0 " + seconds(millis_since(t0)) + " (root " + s.root +
        ": " +
        (s.base.empty() ? std::string("empty")
                        : "the " + std::to_string(depth) + " layer(s) of " + s.base + ", shared") +
        ")");
    return true;
}

// The outputs of a cached step, in its view with the layer it took from the cache.
[[nodiscard]] bool check_cached(Run& r, size_t i, Stack with) {
    const auto& s = r.plan.steps[i];
    if (s.outputs.empty() && s.answers.empty()) return true;
    MergedView view;
    return read_view(r, with, view) && check_step_outputs(view.path(), s, r.a, true) &&
           view.unmount();
}

[[nodiscard]] bool run_one(Run& r, size_t i) {
    const auto& s = r.plan.steps[i];
    bool starts = s.action == seedboot::StepAction::start;
    if (starts && (s.base.empty() || s.base[0] != '/')) return start_from_root(r, i);
    if (!starts && !r.live.roots.count(s.root))
        return fail("step " + s.name + " works in root " + s.root + ", which no step has made");
    if (!starts && !flatten(r, i, s.root)) return false;
    Stack start = starts ? Stack{} : r.live.roots.at(s.root);
    std::string key = key_for(r, s, start), name = seedboot::layer_name(i);
    std::string path = layer_path(r.work, name), aside = step_id(i, s.name);
    double begun = seconds_since_boot(), ready = begun;
    if (!journal(r, seedboot::journal_begin(i, s.name),
                 {.kind = "begin", .index = i, .name = s.name}) ||
        !fresh_layer(r.work, name, aside))
        return false;
    double t0 = seconds_since_boot();
    LayerDigest d;
    uint64_t bytes = 0;
    bool hit = false;
    if (!fetch_layer(r.cache, key, path, d, hit) && !fresh_layer(r.work, name, aside)) return false;
    StepOutcome so;
    if (hit) {
        Stack with = start;
        with.layers.push_back({name, d, key});
        if (!check_cached(r, i, with)) return failed(r, i, so);
        so.millis = millis_since(t0);
        say(tag(r, i) + s.name + " cached " + seconds(so.millis) + " (layer " + name + ", " +
            std::to_string(d.entries) + " entries, key " + key.substr(0, 16) + ")");
    } else {
        say(tag(r, i) + s.name + " start");
        if (!work_in_layer(r, i, start, name, so, ready)) return false;
        say(tag(r, i) + s.name + " end status=" + std::to_string(so.status) + " " +
            seconds(so.millis));
        say(tag(r, i) + s.name + " used " + seconds(so.user_ms) + " user + " + seconds(so.sys_ms) +
            " sys CPU; its largest process peaked at " +
            std::to_string((so.peak_rss_kib + 1023) / 1024) + " MiB");
        if (so.status != 0) return failed(r, i, so);
    }
    double ended = seconds_since_boot();
    if (!hit && !digest_layer(path, d, &bytes)) return false;
    if (d.entries == 0 && ::rmdir(path.c_str()) != 0) return fail_errno("remove empty " + path);
    if (!commit(r, i, {d.sha256, d.entries, key, hit}, so.millis)) return false;
    if (hit) return true;
    // The costs of the layer itself (make bench-layers reads them): its setup before the
    // step ran (journal, empty folder, cache lookup, overlay mount) and its commit after
    // (digest, sync, journal), and what it holds.
    say("layer " + name + ": " + std::to_string(d.entries) + " entries, " + d.sha256 + " (" +
        std::to_string((bytes + 1023) / 1024) + " KiB, setup " + ms(ready - begun) + ", commit " +
        ms(seconds_since_boot() - ended) + ")");
    // An empty layer is worth its entry too: a hit skips the step.
    store_layer(r.cache, key, d.entries ? path : r.work.layers() + "/.empty", d, bytes);
    return true;
}

// A step the journal shows finished: its layer goes on its root, and its outputs are hashed
// again in its view as the step left it (later steps may have changed them since).
[[nodiscard]] bool take_finished(Run& r, size_t i) {
    const auto& s = r.plan.steps[i];
    std::string err;
    if (!seedboot::replay_done(r.plan, i, *r.j.done_event(s.name), r.live, err)) return fail(err);
    say(tag(r, i) + s.name + " already done (journal)");
    if (s.outputs.empty()) return true;
    MergedView view;
    return read_view(r, r.live.roots.at(s.root), view) &&
           check_step_outputs(view.path(), s, r.a, false) && view.unmount();
}

[[nodiscard]] bool replay_flattens(Run& r, size_t i) {
    std::string err;
    for (const auto& e : r.j.events)
        if (e.kind == "flatten" && e.index == i && !seedboot::replay_flatten(e, r.live, err))
            return fail(err);
    return true;
}

// A StageX stage's output, its package root, named by one digest for /result: two builders
// compare stages by it, and the host checks the image it packs.
[[nodiscard]] bool digest_root(Run& r) {
    const std::string& name = r.plan.digest_root;
    if (name.empty()) return true;
    r.o.failed_step = "digest";
    auto it = r.live.roots.find(name);
    if (it == r.live.roots.end()) return fail("digest root " + name + " was never made");
    MergedView view;
    seedboot::TreeDigest d;
    std::string err;
    if (!read_view(r, it->second, view)) return false;
    if (!seedboot::tree_digest(view.path(), d, err))
        return fail("tree digest of build root " + name + ": " + err);
    if (!view.unmount()) return false;
    r.o.tree_root = name;
    r.o.tree_sha256 = d.sha256;
    r.o.tree_entries = d.entries;
    say("build root " + name + ": tree digest " + d.sha256 + " (" + std::to_string(d.entries) +
        " entries, " + std::to_string(it->second.layers.size()) + " layer(s))");
    return true;
}

[[nodiscard]] bool check_answers(Run& r) {
    r.o.failed_step = "answers";
    MergedView view;
    return read_view(r, r.live.roots.at("build"), view) &&
           check_remaining_answers(view.path(), r.a) && view.unmount();
}

// Runs the steps the journal does not show finished; false with `o` saying which failed.
[[nodiscard]] bool run_steps(Run& r) {
    r.o.failed_step = "sandbox";
    r.box.stubs = r.work.layers() + "/" + kStepStubs;
    if (!prepare_steps(r.box)) return false;
    r.o.failed_step.clear();
    bool first_run = true;
    for (size_t i = 0; i < r.plan.steps.size(); ++i) {
        if (!replay_flattens(r, i)) return false;
        if (r.j.finished(r.plan.steps[i].name)) {
            if (!take_finished(r, i)) {
                r.o.failed_step = r.plan.steps[i].name;
                return false;
            }
            continue;
        }
        if (first_run) { // boot latency, on the guest's own clock (benchmarks read it)
            char at[64];
            std::snprintf(at, sizeof at, "first step starts at %.3f s since boot",
                          seconds_since_boot());
            say(at);
            first_run = false;
        }
        if (!run_one(r, i)) {
            if (r.o.failed_step.empty()) {
                r.o.failed_step = r.plan.steps[i].name;
                r.o.disk_full = report_if_full(r.work, "preparing step " + r.o.failed_step);
            }
            return false;
        }
    }
    return check_answers(r) && digest_root(r);
}

} // namespace

PlanOutcome run_plan(const seedboot::Plan& plan, const Work& work, seedboot::Journal& j,
                     const seedboot::Manifest& manifest, LayerCache& cache) {
    PlanOutcome o;
    o.failed_step = "answers";
    o.status = 1;
    Run r{plan, work, j, manifest, cache, o, {}, {}, {}};
    std::string err;
    if (j.laid_out) {
        seedboot::Journal only_layout = j;
        only_layout.events.clear();
        if (!seedboot::replay_stacks(plan, only_layout, r.live, err)) fail(err);
    }
    o.ok = reported(seedboot::make_dirs(work.logs(), err), err) && r.live.roots.count("build") &&
           load_answers(plan, r.a) && run_steps(r);
    if (o.ok) {
        o.failed_step.clear();
        o.status = 0;
    }
    if (!write_result(work, plan.arch, j, r.a.seen, o) && o.ok) {
        o.ok = false;
        o.failed_step = "result";
        o.status = 1;
    }
    return o;
}

} // namespace init
