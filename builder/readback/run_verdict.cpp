#include "run_verdict.hpp"

#include "builder/image/squashfs/squashfs.hpp"
#include "builder/readback/work_fs.hpp"

#include "libseedboot/format/result.hpp"

namespace builder {

[[nodiscard]] bool ok_result_agrees(std::string_view result, const seedboot::Plan& plan,
                                    const seedboot::Journal& journal, std::string& why) {
    seedboot::RunResult r;
    std::string err;
    if (!seedboot::parse_result(result, "/result", r, err)) {
        why = "its /result cannot be read: " + err;
        return false;
    }
    if (!r.ok || r.arch != plan.arch) {
        why = "its /result says '" + seedboot::result_line(r) + "'" +
              (r.arch == plan.arch ? "" : " for " + r.arch) + " (expected 'result ok' for " +
              plan.arch + ")";
        return false;
    }
    for (const auto& step : plan.steps) {
        bool listed = false;
        for (const auto& s : r.steps) listed = listed || (s.name == step.name && s.status == 0);
        if (!listed || !journal.finished(step.name)) {
            why = "its /result says ok, but step " + step.name + " is not done with status 0 in " +
                  (listed ? "the journal (/state)" : "/result");
            return false;
        }
    }
    return true;
}

[[nodiscard]] bool work_disk_says_ok(const std::string& root_sqfs, const std::string& disk,
                                     std::string& why) {
    std::string text, err;
    seedboot::Plan plan;
    if (!read_squashfs_file(root_sqfs, "/plan", text, err) ||
        !seedboot::parse_plan(text, root_sqfs + ":/plan", plan, err)) {
        why = "its plan cannot be read back: " + err;
        return false;
    }
    WorkFs fs;
    if (!open_work_fs(disk, fs, err)) {
        why = "its work disk cannot be read back: " + err;
        return false;
    }
    if (fs.recovered) {
        why = "its work file system " + disk +
              " was not cleanly unmounted (its ext4 journal needs recovery): the PID 1 did not "
              "reach its end";
        return false;
    }
    std::string result, state;
    seedboot::Journal journal;
    if (!read_work_file(fs, "/result", result, err)) {
        why = disk + " has no readable /result: " + err;
        return false;
    }
    if (!read_work_file(fs, "/state", state, err) ||
        !seedboot::parse_journal(state, disk + ":/state", journal, err)) {
        why = disk + " has no readable journal: " + err;
        return false;
    }
    if (ok_result_agrees(result, plan, journal, why)) return true;
    why = disk + ": " + why;
    return false;
}

} // namespace builder
