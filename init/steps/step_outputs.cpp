#include "init/steps/step_outputs.hpp"

#include "init/actions/tree_paths.hpp"
#include "init/console/console.hpp"

#include "libseedboot/format/answers.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <fcntl.h>
#include <vector>

namespace init {

using seedboot::Fd;

namespace {

// Where outputs are read: a root's view, whose paths /result names as ROOT:PATH ("" for the
// build tree).
struct OutputTree {
    int fd = -1;
    std::string label;
};

[[nodiscard]] bool read_answers(const std::string& file, std::vector<seedboot::Answer>& list) {
    std::string text, err;
    if (!read_image_file(file, text)) return false;
    return seedboot::parse_answers(text, file, list, err) || fail(err);
}

// A regular file of the tree, reached through no symlink, opened by the PID 1
// once no process of any step is left.
[[nodiscard]] bool hash_output(int tree, const std::string& path, std::string& sha) {
    Fd fd;
    if (!open_output(tree, path, fd)) return false;
    uint64_t size = 0;
    if (!seedboot::sha256_fd(fd.get(), sha, size)) return fail_errno("read output " + path);
    return true;
}

// Hashes `path` of `t` and compares it with the answers, if they name it.
[[nodiscard]] bool check_output(const OutputTree& t, const std::string& path, Answers& a) {
    std::string sha, key = t.label + path;
    if (!hash_output(t.fd, path, sha)) return false;
    a.seen[key] = sha;
    auto it = a.want.find(key);
    if (it != a.want.end() && it->second != sha)
        return fail("output " + key + ": sha256 " + sha + ", answers expect " + it->second);
    say("output " + sha + "  " + key + (it != a.want.end() ? "  (matches answers)" : ""));
    return true;
}

// Checks every line of an answers file now (a step's own answers, in its tree).
[[nodiscard]] bool check_answers_file(const OutputTree& t, const std::string& file, Answers& a) {
    std::vector<seedboot::Answer> list;
    if (!read_answers(file, list)) return false;
    bool ok = true;
    for (const auto& ans : list) {
        a.want[t.label + ans.path] = ans.sha256;
        ok = check_output(t, ans.path, a) && ok;
    }
    return ok;
}

Fd open_view(const std::string& view) {
    Fd fd(::open(view.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.ok()) fail_errno("open the merged view " + view);
    return fd;
}

} // namespace

[[nodiscard]] bool load_answers(const seedboot::Plan& plan, Answers& a) {
    for (const auto& file : plan.answers) {
        std::vector<seedboot::Answer> list;
        if (!read_answers(file, list)) return false;
        for (auto& ans : list) a.want[ans.path] = ans.sha256;
    }
    return true;
}

[[nodiscard]] bool check_step_outputs(const std::string& view, const seedboot::PlanStep& step,
                                      Answers& a, bool with_answers) {
    if (step.outputs.empty() && (step.answers.empty() || !with_answers)) return true;
    Fd root = open_view(view);
    if (!root.ok()) return false;
    OutputTree t{root.get(), step.root == "build" ? "" : step.root + ":"};
    bool ok = true;
    for (const auto& out : step.outputs) ok = ok && check_output(t, out, a);
    if (ok && with_answers && !step.answers.empty()) ok = check_answers_file(t, step.answers, a);
    return ok;
}

[[nodiscard]] bool check_remaining_answers(const std::string& build_view, Answers& a) {
    Fd root;
    for (const auto& [path, sha] : a.want) {
        if (a.seen.count(path)) continue;
        if (!root.ok() && !(root = open_view(build_view)).ok()) return false;
        if (!check_output({root.get(), ""}, path, a)) return false;
    }
    return true;
}

} // namespace init
