// seedboot status: a run's state read back out of a disk or work image (libext2fs, no mount),
// even one whose journal needs recovery: steps done, the failed or cut-off step's last log
// lines, free space, the result.
#include "command.hpp"

#include "builder/readback/run_state.hpp"
#include "builder/readback/run_verdict.hpp"
#include "builder/readback/work_fs.hpp"

#include "libseedboot/format/result.hpp"
#include "libseedboot/format/text.hpp"

#include <cstdio>

namespace builder::cli {

namespace {

struct StatusArgs {
    std::string image;
};

void print_tail(WorkFs& fs, const std::string& path, size_t lines) {
    std::string text, err;
    if (!read_work_file(fs, path, text, err)) return;
    auto all = seedboot::split_lines(text);
    size_t from = all.size() > lines ? all.size() - lines : 0;
    std::printf("  last lines of %s:\n", path.c_str());
    for (size_t i = from; i < all.size(); ++i)
        std::printf("    | %.*s\n", int(all[i].size()), all[i].data());
}

void print_steps(const seedboot::Plan& plan, const std::vector<StepState>& states) {
    size_t done = 0;
    for (const auto& s : states) done += s.state == "done";
    std::printf("  arch %s, %zu of %zu steps done\n", plan.arch.c_str(), done, plan.steps.size());
    for (size_t i = 0; i < states.size(); ++i) {
        std::printf("  [%zu/%zu] %-24s %s", i + 1, states.size(), plan.steps[i].name.c_str(),
                    states[i].state.c_str());
        if (states[i].state == "done" || states[i].state == "failed")
            std::printf(" (status %d, %.2f s)", states[i].status,
                        double(states[i].millis) / 1000.0);
        std::printf("\n");
    }
}

void print_space(const WorkFs& fs) {
    WorkFsSpace s = work_fs_space(fs);
    std::printf("  work file system: %.1f MiB of %.1f MiB free, %llu inodes free\n",
                double(s.free_bytes) / (1 << 20), double(s.total_bytes) / (1 << 20),
                static_cast<unsigned long long>(s.free_inodes));
}

// Prints the run's /result and returns its text ("" when there is none).
std::string print_result(WorkFs& fs, const std::string& image) {
    std::string text, err;
    if (!read_work_file(fs, "/result", text, err)) {
        std::printf("  no result yet (the run did not finish)\n");
        return "";
    }
    seedboot::RunResult r;
    if (!seedboot::parse_result(text, "/result", r, err)) {
        std::printf("  result: unreadable (%s)\n", err.c_str());
        return text;
    }
    std::printf("  %s\n", seedboot::result_line(r).c_str());
    if (r.disk_full)
        std::printf("  the failed step filled the work partition: enlarge it with "
                    "`seedboot grow %s --work-size SIZE` and boot again (finished steps "
                    "are kept)\n",
                    image.c_str());
    return text;
}

int cmd_status(const StatusArgs& a) {
    WorkFs fs;
    std::string err, text;
    if (!open_work_fs(a.image, fs, err)) return error(err);
    std::printf("seedboot status: %s\n", a.image.c_str());
    if (fs.recovered)
        std::printf("  (the run was cut off: its ext4 journal was replayed on a private copy)\n");
    seedboot::Plan plan;
    seedboot::Journal j;
    if (!read_work_file(fs, "/plan", text, err)) {
        std::printf("  no run has laid out its build tree on this disk yet\n");
        return 0;
    }
    if (!seedboot::parse_plan(text, "/plan", plan, err)) return error(a.image + ": " + err);
    if (read_work_file(fs, "/state", text, err) && !seedboot::parse_journal(text, "/state", j, err))
        return error(a.image + ": " + err);
    if (j.format == 1)
        std::printf("  journal of format 1 (an older seedboot's): its lines carry no checks\n");
    // What the PID 1 will take from the journal at its next boot (init/journal/journal_trust.hpp).
    if (j.damaged_line)
        std::printf("  journal: %s; the next boot trusts only the lines before it and runs every "
                    "step after them again\n",
                    j.damage_report("/state").c_str());
    auto states = step_states(plan, j);
    print_steps(plan, states);
    for (size_t i = 0; i < states.size(); ++i)
        if (states[i].state != "done" && states[i].state != "pending")
            print_tail(fs, step_log_path(i, plan.steps[i].name), 10);
    print_space(fs);
    std::string result = print_result(fs, a.image);
    // An ok that the journal does not back is not believed.
    std::string why;
    seedboot::RunResult r;
    if (seedboot::parse_result(result, "/result", r, err) && r.ok &&
        !ok_result_agrees(result, plan, j, why))
        return error(a.image + ": refusing its result: " + why);
    return 0;
}

} // namespace

void register_status(CLI::App& app, Action& run) {
    auto [c, a] = add_command<StatusArgs>(
        app, run, "status",
        "steps done/total, the running or failed step's last log lines, the result", cmd_status);
    c->add_option("image", a->image, "disk image or work image")->required();
}

} // namespace builder::cli
