// seedboot status and seedboot extract: read a run's state back out of a disk
// or work image (libext2fs, no mount), even one whose journal needs recovery.
#include "commands.hpp"
#include "root_image.hpp"
#include "run_verdict.hpp"
#include "squashfs_image.hpp"
#include "work_fs.hpp"

#include "journal.hpp"
#include "plan.hpp"
#include "text.hpp"
#include "tree.hpp"

#include <cstdio>
#include <filesystem>

namespace builder {

namespace {

struct StepState {
    std::string state = "pending";
    uint64_t millis = 0;
    int status = 0;
};

std::string log_path(size_t index, const std::string& name) {
    char nn[24];
    std::snprintf(nn, sizeof nn, "%02zu-", index + 1);
    return "/logs/" + std::string(nn) + name + ".log";
}

void print_tail(WorkFs& fs, const std::string& path, size_t lines) {
    std::string text, err;
    if (!read_work_file(fs, path, text, err)) return;
    auto all = seedboot::split_lines(text);
    size_t from = all.size() > lines ? all.size() - lines : 0;
    std::printf("  last lines of %s:\n", path.c_str());
    for (size_t i = from; i < all.size(); ++i)
        std::printf("    | %.*s\n", int(all[i].size()), all[i].data());
}

std::vector<StepState> step_states(const seedboot::Plan& plan, const seedboot::Journal& j) {
    std::vector<StepState> states(plan.steps.size());
    for (const auto& e : j.events)
        for (size_t i = 0; i < plan.steps.size(); ++i) {
            if (plan.steps[i].name != e.name) continue;
            states[i].state = e.kind == "begin" ? "started, not finished"
                              : e.status == 0   ? "done"
                                                : "failed";
            states[i].millis = e.millis;
            states[i].status = static_cast<int>(e.status);
        }
    return states;
}

void print_space(const WorkFs& fs) {
    WorkFsSpace s = work_fs_space(fs);
    std::printf("  work file system: %.1f MiB of %.1f MiB free, %llu inodes free\n",
                double(s.free_bytes) / (1 << 20), double(s.total_bytes) / (1 << 20),
                static_cast<unsigned long long>(s.free_inodes));
}

} // namespace

int cmd_status(const std::string& image) {
    WorkFs fs;
    std::string err, text;
    if (!open_work_fs(image, fs, err)) return error(err);
    std::printf("seedboot status: %s\n", image.c_str());
    if (fs.recovered)
        std::printf("  (the run was cut off: its ext4 journal was replayed on a private copy)\n");
    seedboot::Plan plan;
    seedboot::Journal j;
    if (!read_work_file(fs, "/plan", text, err)) {
        std::printf("  no run has laid out its build tree on this disk yet\n");
        return 0;
    }
    if (!seedboot::parse_plan(text, "/plan", plan, err)) return error(image + ": " + err);
    if (read_work_file(fs, "/state", text, err) && !seedboot::parse_journal(text, "/state", j, err))
        return error(image + ": " + err);
    auto states = step_states(plan, j);
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
    for (size_t i = 0; i < states.size(); ++i)
        if (states[i].state != "done" && states[i].state != "pending")
            print_tail(fs, log_path(i, plan.steps[i].name), 10);
    print_space(fs);
    if (read_work_file(fs, "/result", text, err)) {
        auto lines = seedboot::split_lines(text);
        std::printf("  %s\n",
                    lines.size() > 2 ? std::string(lines[2]).c_str() : "result: unreadable");
        for (auto line : lines)
            if (line == "cause work-partition-full")
                std::printf("  the failed step filled the work partition: enlarge it with "
                            "`seedboot grow %s --work-size SIZE` and boot again (finished steps "
                            "are kept)\n",
                            image.c_str());
    } else {
        std::printf("  no result yet (the run did not finish)\n");
        return 0;
    }
    // An ok that the journal does not back is not believed.
    std::string why;
    if (text.find("\nresult ok\n") != std::string::npos && !ok_result_agrees(text, plan, j, why))
        return error(image + ": refusing its result: " + why);
    return 0;
}

int cmd_extract(const std::string& image, const std::string& path, const std::string& out) {
    WorkFs fs;
    std::string err;
    if (!open_work_fs(image, fs, err) || !extract_work_tree(fs, path, out, err)) return error(err);
    std::printf("seedboot: extracted %s:%s to %s%s\n", image.c_str(), path.c_str(), out.c_str(),
                fs.recovered ? " (after replaying its journal on a private copy)" : "");
    return 0;
}

int cmd_pack_dir(const PackDirArgs& a) {
    const std::string& dir = a.dir;
    seedboot::Manifest m;
    std::string err;
    // The image needs no hashes: listing the tree reads no file (the packer reads each once).
    if (!seedboot::scan_tree(dir, "/t", m, err, seedboot::Contents::listed)) return error(err);
    std::vector<ImageEntry> entries;
    for (const auto& e : m) {
        std::string path = e.path == "/t" ? "/" : e.path.substr(2);
        ImageEntry ie{path, e.type, normalized_mode(e.type, e.mode), "", ""};
        std::string host = dir + e.path.substr(2);
        if (e.type == 'f') ie.host_file = host;
        std::error_code ec;
        if (e.type == 'l') ie.data = std::filesystem::read_symlink(host, ec).string();
        entries.push_back(std::move(ie));
    }
    SquashfsOptions opt;
    opt.mtime = static_cast<uint32_t>(a.epoch);
    opt.block_cache = a.block_cache;
    SquashfsStats stats;
    if (!write_squashfs(entries, a.out, opt, err, &stats)) return error(err);
    std::printf("seedboot: packed %s (%zu entries; %s) -> %s\n", dir.c_str(), entries.size(),
                describe_stats(stats).c_str(), a.out.c_str());
    return 0;
}

} // namespace builder
