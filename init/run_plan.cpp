#include "run_plan.hpp"

#include "checkpoint.hpp"
#include "console.hpp"
#include "files.hpp"
#include "run_step.hpp"
#include "space.hpp"

#include "libseedboot/format/answers.hpp"
#include "libseedboot/format/journal.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <cstdio>
#include <fcntl.h>
#include <map>

namespace init {

using seedboot::Fd;

namespace {

struct Answers {
    std::map<std::string, std::string> want; // path -> sha256
    std::map<std::string, std::string> seen; // path -> sha256 of outputs hashed so far
};

bool load_answers(const seedboot::Plan& plan, const Work& work, Answers& a) {
    for (const auto& file : plan.answers) {
        std::string text, err;
        std::vector<seedboot::Answer> list;
        if (!read_file(work.build() + file, text)) return false;
        if (!seedboot::parse_answers(text, file, list, err)) return fail(err);
        for (auto& ans : list) a.want[ans.path] = ans.sha256;
    }
    return true;
}

bool hash_output(const Work& work, const std::string& path, std::string& sha) {
    Fd fd(::open((work.build() + path).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.ok()) return fail_errno("output " + path);
    uint64_t size = 0;
    if (!seedboot::sha256_fd(fd.get(), sha, size)) return fail_errno("read output " + path);
    return true;
}

// Hashes `path` and compares it with the answers, if they name it.
bool check_output(const Work& work, const std::string& path, Answers& a) {
    std::string sha;
    if (!hash_output(work, path, sha)) return false;
    a.seen[path] = sha;
    auto it = a.want.find(path);
    if (it != a.want.end() && it->second != sha)
        return fail("output " + path + ": sha256 " + sha + ", answers expect " + it->second);
    say("output " + sha + "  " + path + (it != a.want.end() ? "  (matches answers)" : ""));
    return true;
}

// Checks every line of an answers file now (a step's own answers).
bool check_answers_file(const Work& work, const std::string& file, Answers& a) {
    std::string text, err;
    std::vector<seedboot::Answer> list;
    if (!read_file(work.build() + file, text)) return false;
    if (!seedboot::parse_answers(text, file, list, err)) return fail(err);
    bool ok = true;
    for (const auto& ans : list) {
        a.want[ans.path] = ans.sha256;
        ok = check_output(work, ans.path, a) && ok;
    }
    return ok;
}

std::string log_name(const Work& work, size_t index, const std::string& name) {
    char nn[16];
    std::snprintf(nn, sizeof nn, "%02zu-", index + 1);
    return work.logs() + "/" + nn + name + ".log";
}

std::string result_text(const seedboot::Plan& plan, const seedboot::Journal& j, const Answers& a,
                        const PlanOutcome& o) {
    std::string t = "seedboot-result 1\narch " + plan.arch + "\n";
    t += o.ok ? "result ok\n"
              : "result fail step=" + o.failed_step + " status=" + std::to_string(o.status) + "\n";
    if (o.disk_full) t += "cause work-partition-full\n";
    for (const auto& e : j.events)
        if (e.kind == "done")
            t += "step " + e.name + " status=" + std::to_string(e.status) +
                 " ms=" + std::to_string(e.millis) + "\n";
    for (const auto& [path, sha] : a.seen) t += "output " + sha + " " + path + "\n";
    return t;
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

// Before a step: record the tree. After a power cut inside it: set aside what
// it had made (in aside/NN-name.K for its K-th unfinished attempt) and rerun.
bool checkpoint(const Work& work, size_t i, const std::string& name, const seedboot::Journal& j) {
    std::string id = log_name(work, i, name).substr(work.logs().size() + 1);
    id.resize(id.size() - 4); // "NN-name" without ".log"
    std::string listing = work.checkpoints() + "/" + id;
    if (!j.unfinished(name)) return record_tree(work.build(), listing);
    size_t tries = 0;
    for (const auto& e : j.events) tries += e.kind == "begin" && e.name == name;
    say("[" + std::to_string(i + 1) + "] " + name +
        " was cut off or failed: restoring its starting tree");
    return set_aside_new(work.build(), listing,
                         work.aside() + "/" + id + "." + std::to_string(tries));
}

bool run_one(const seedboot::Plan& plan, const Work& work, size_t i, Answers& a, PlanOutcome& o,
             seedboot::Journal& j) {
    const auto& step = plan.steps[i];
    std::string tag = "[" + std::to_string(i + 1) + "/" + std::to_string(plan.steps.size()) + "] ";
    if (!checkpoint(work, i, step.name, j)) return false;
    if (!append_durably(work.journal(), seedboot::journal_begin(i, step.name))) return false;
    j.events.push_back({"begin", i, step.name, 0, 0});
    say(tag + step.name + " start");
    StepOutcome so;
    if (!run_step(plan, step, work.build(), log_name(work, i, step.name), so)) return false;
    char took[32];
    std::snprintf(took, sizeof took, "%.2f s", static_cast<double>(so.millis) / 1000.0);
    say(tag + step.name + " end status=" + std::to_string(so.status) + " " + took);
    bool ok = so.status == 0;
    for (const auto& out : step.outputs) ok = ok && check_output(work, out, a);
    if (ok && !step.answers.empty()) ok = check_answers_file(work, step.answers, a);
    if (!ok) {
        o.failed_step = step.name;
        o.status = so.status ? so.status : 1;
        o.disk_full = report_if_full(work, "step " + step.name);
        if (so.log_short) finish_log(log_name(work, i, step.name), so.tail);
        // Journaled so that `seedboot status` shows it and the next boot restores
        // the step's starting tree before it runs again.
        uint64_t st = static_cast<uint64_t>(o.status);
        j.events.push_back({"done", i, step.name, st, so.millis});
        append_durably(work.journal(), seedboot::journal_done(i, step.name, st, so.millis));
        return false;
    }
    // "done" promises that everything the step wrote survives a power cut:
    // flush the whole work file system before saying so.
    if (!sync_fs(work.dir)) return false;
    std::string line = seedboot::journal_done(i, step.name, 0, so.millis);
    j.events.push_back({"done", i, step.name, 0, so.millis});
    return append_durably(work.journal(), line);
}

} // namespace

PlanOutcome run_plan(const seedboot::Plan& plan, const Work& work) {
    PlanOutcome o;
    o.failed_step = "journal";
    o.status = 1;
    std::string text, err;
    seedboot::Journal j;
    Answers a;
    if (!make_dirs(work.logs()) || !read_file(work.journal(), text)) return o;
    if (!seedboot::parse_journal(text, work.journal(), j, err)) {
        fail(err);
        return o;
    }
    o.failed_step = "answers";
    if (!load_answers(plan, work, a)) return o;
    o.failed_step.clear();
    bool first_run = true;
    for (size_t i = 0; i < plan.steps.size(); ++i) {
        if (j.finished(plan.steps[i].name)) {
            say("[" + std::to_string(i + 1) + "/" + std::to_string(plan.steps.size()) + "] " +
                plan.steps[i].name + " already done (journal)");
            bool intact = true;
            for (const auto& out : plan.steps[i].outputs)
                intact = intact && check_output(work, out, a);
            if (!intact) {
                o.failed_step = plan.steps[i].name;
                return o;
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
        if (!run_one(plan, work, i, a, o, j)) {
            if (o.failed_step.empty()) {
                o.failed_step = plan.steps[i].name;
                o.disk_full = report_if_full(work, "preparing step " + o.failed_step);
            }
            write_file_atomic(work.result(), result_text(plan, j, a, o));
            return o;
        }
    }
    // Every answer must have been checked: an answer no step declared is checked now.
    for (const auto& [path, sha] : a.want)
        if (!a.seen.count(path) && !check_output(work, path, a)) {
            o.failed_step = "answers";
            break;
        }
    o.ok = o.failed_step.empty();
    if (o.ok) o.status = 0;
    if (!write_file_atomic(work.result(), result_text(plan, j, a, o)) && o.ok) {
        o.ok = false;
        o.failed_step = "result";
        o.status = 1;
    }
    return o;
}

} // namespace init
