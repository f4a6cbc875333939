#include "run_plan.hpp"

#include "aside.hpp"
#include "checkpoint.hpp"
#include "console.hpp"
#include "files.hpp"
#include "run_step.hpp"
#include "space.hpp"
#include "step_action.hpp"
#include "tree_paths.hpp"

#include "libseedboot/format/answers.hpp"
#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/tree_digest.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <cstdio>
#include <fcntl.h>
#include <map>

namespace init {

using seedboot::Fd;

namespace {

// What outputs are checked against. The answers come from the verified root
// image only: the build tree is the steps' to write.
struct Answers {
    int tree = -1;                           // the build tree's root directory
    std::map<std::string, std::string> want; // path -> sha256
    std::map<std::string, std::string> seen; // path -> sha256 of outputs hashed so far
};

bool read_answers(const std::string& file, std::vector<seedboot::Answer>& list) {
    std::string text, err;
    if (!read_image_file(file, text)) return false;
    return seedboot::parse_answers(text, file, list, err) || fail(err);
}

bool load_answers(const seedboot::Plan& plan, Answers& a) {
    for (const auto& file : plan.answers) {
        std::vector<seedboot::Answer> list;
        if (!read_answers(file, list)) return false;
        for (auto& ans : list) a.want[ans.path] = ans.sha256;
    }
    return true;
}

// A regular file of the tree, reached through no symlink, opened by the PID 1
// once no process of any step is left.
bool hash_output(int tree, const std::string& path, std::string& sha) {
    Fd fd;
    if (!open_output(tree, path, fd)) return false;
    uint64_t size = 0;
    if (!seedboot::sha256_fd(fd.get(), sha, size)) return fail_errno("read output " + path);
    return true;
}

// Hashes `path` and compares it with the answers, if they name it.
bool check_output(const std::string& path, Answers& a) {
    std::string sha;
    if (!hash_output(a.tree, path, sha)) return false;
    a.seen[path] = sha;
    auto it = a.want.find(path);
    if (it != a.want.end() && it->second != sha)
        return fail("output " + path + ": sha256 " + sha + ", answers expect " + it->second);
    say("output " + sha + "  " + path + (it != a.want.end() ? "  (matches answers)" : ""));
    return true;
}

// Checks every line of an answers file now (a step's own answers).
bool check_answers_file(const std::string& file, Answers& a) {
    std::vector<seedboot::Answer> list;
    if (!read_answers(file, list)) return false;
    bool ok = true;
    for (const auto& ans : list) {
        a.want[ans.path] = ans.sha256;
        ok = check_output(ans.path, a) && ok;
    }
    return ok;
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
    if (!fd.ok() || !write_all(fd.get(), text) || ::fsync(fd.get()) != 0)
        fail_errno("complete log " + path);
}

// Before a step: record its root. After a power cut inside it: set aside what it
// had made (in `aside`, aside/NN-name.K, its K-th copy; aside.hpp bounds them) and
// rerun. A start step makes its root: a cut-off one's whole root goes aside when it
// starts again (step_action.cpp).
bool checkpoint(const Work& work, size_t i, const seedboot::PlanStep& step,
                const seedboot::Journal& j, const std::string& aside) {
    if (step.action == seedboot::StepAction::start) return true;
    std::string listing = work.checkpoints() + "/" + step_id(i, step.name);
    std::string root = root_path(work, step.root);
    if (!j.unfinished(step.name)) return record_tree(root, listing);
    say("[" + std::to_string(i + 1) + "] " + step.name +
        " was cut off or failed: restoring its starting tree");
    Space space;
    return set_aside_new(root, listing, aside) && work_space(work, space) &&
           bound_aside(work.aside(), aside_cap(space.total_bytes));
}

// The PID 1's own work between processes, timed and reported like a step.
void act(const seedboot::PlanStep& step, const Work& work, const std::string& aside,
         StepOutcome& so) {
    double start = seconds_since_boot();
    so = StepOutcome{};
    so.status = run_action(step, work, aside) ? 0 : 1;
    so.millis = static_cast<uint64_t>((seconds_since_boot() - start) * 1000.0);
}

bool run_one(const seedboot::Plan& plan, const Work& work, StepSandbox& box, size_t i, Answers& a,
             PlanOutcome& o, seedboot::Journal& j) {
    const auto& step = plan.steps[i];
    std::string tag = "[" + std::to_string(i + 1) + "/" + std::to_string(plan.steps.size()) + "] ";
    std::string aside;
    if (!next_copy_name(work.aside() + "/" + step_id(i, step.name), aside) ||
        !checkpoint(work, i, step, j, aside))
        return false;
    if (!append_durably(work.journal(), seedboot::journal_begin(i, step.name, j.format)))
        return false;
    j.events.push_back({"begin", i, step.name, 0, 0});
    say(tag + step.name + " start");
    StepOutcome so;
    if (step.action != seedboot::StepAction::run)
        act(step, work, aside, so);
    else if (!run_step(plan, step, root_path(work, step.root), box, log_name(work, i, step.name),
                       so))
        return false;
    char took[32];
    std::snprintf(took, sizeof took, "%.2f s", static_cast<double>(so.millis) / 1000.0);
    say(tag + step.name + " end status=" + std::to_string(so.status) + " " + took);
    bool ok = so.status == 0;
    for (const auto& out : step.outputs) ok = ok && check_output(out, a);
    if (ok && !step.answers.empty()) ok = check_answers_file(step.answers, a);
    if (!ok) {
        o.failed_step = step.name;
        o.status = so.status ? so.status : 1;
        o.disk_full = report_if_full(work, "step " + step.name);
        if (so.log_short) finish_log(log_name(work, i, step.name), so.tail);
        // Journaled so that `seedboot status` shows it and the next boot restores
        // the step's starting tree before it runs again.
        uint64_t st = static_cast<uint64_t>(o.status);
        j.events.push_back({"done", i, step.name, st, so.millis});
        append_durably(work.journal(),
                       seedboot::journal_done(i, step.name, st, so.millis, j.format));
        return false;
    }
    // "done" promises that everything the step wrote survives a power cut:
    // flush the whole work file system before saying so.
    if (!sync_fs(work.dir)) return false;
    std::string line = seedboot::journal_done(i, step.name, 0, so.millis, j.format);
    j.events.push_back({"done", i, step.name, 0, so.millis});
    return append_durably(work.journal(), line);
}

// A StageX stage's output, its package root, named by one digest for /result:
// two builders compare stages by it, and the host checks the image it packs.
bool digest_root(const seedboot::Plan& plan, const Work& work, PlanOutcome& o) {
    if (plan.digest_root.empty()) return true;
    seedboot::TreeDigest d;
    std::string err;
    if (!seedboot::tree_digest(root_path(work, plan.digest_root), d, err)) {
        o.failed_step = "digest";
        return fail("tree digest of build root " + plan.digest_root + ": " + err);
    }
    o.digest = plan.digest_root + " " + d.sha256 + " " + std::to_string(d.entries);
    say("build root " + plan.digest_root + ": tree digest " + d.sha256 + " (" +
        std::to_string(d.entries) + " entries)");
    return true;
}

} // namespace

namespace {

// Runs the steps the journal does not show finished; false with `o` saying which failed.
bool run_steps(const seedboot::Plan& plan, const Work& work, seedboot::Journal& j, Answers& a,
               PlanOutcome& o) {
    o.failed_step = "sandbox";
    StepSandbox box;
    if (!prepare_steps(box)) return false;
    o.failed_step.clear();
    bool first_run = true;
    for (size_t i = 0; i < plan.steps.size(); ++i) {
        if (j.finished(plan.steps[i].name)) {
            say("[" + std::to_string(i + 1) + "/" + std::to_string(plan.steps.size()) + "] " +
                plan.steps[i].name + " already done (journal)");
            for (const auto& out : plan.steps[i].outputs)
                if (!check_output(out, a)) {
                    o.failed_step = plan.steps[i].name;
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
        if (!run_one(plan, work, box, i, a, o, j)) {
            if (o.failed_step.empty()) {
                o.failed_step = plan.steps[i].name;
                o.disk_full = report_if_full(work, "preparing step " + o.failed_step);
            }
            return false;
        }
    }
    // Every answer must have been checked: an answer no step declared is checked now.
    for (const auto& [path, sha] : a.want)
        if (!a.seen.count(path) && !check_output(path, a)) {
            o.failed_step = "answers";
            return false;
        }
    return digest_root(plan, work, o);
}

} // namespace

PlanOutcome run_plan(const seedboot::Plan& plan, const Work& work, seedboot::Journal& j) {
    PlanOutcome o;
    o.failed_step = "answers";
    o.status = 1;
    Answers a;
    Fd tree(::open(work.build().c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!tree.ok()) fail_errno("open the build tree " + work.build());
    a.tree = tree.get();
    o.ok = make_dirs(work.logs()) && (plan.roots.empty() || make_dirs(work.roots())) && tree.ok() &&
           load_answers(plan, a) && run_steps(plan, work, j, a, o);
    if (o.ok) {
        o.failed_step.clear();
        o.status = 0;
    }
    if (!write_result(work, plan.arch, j, a.seen, o) && o.ok) {
        o.ok = false;
        o.failed_step = "result";
        o.status = 1;
    }
    return o;
}

} // namespace init
