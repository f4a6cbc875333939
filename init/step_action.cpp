#include "step_action.hpp"

#include "console.hpp"
#include "files.hpp"
#include "tree_copy.hpp"
#include "tree_paths.hpp"

#include "libseedboot/sys/fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace init {

using seedboot::Fd;

namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

// A root image path as the folder it is resolved in and the path inside it:
// /sources/... inside /sources, /seed/... inside /seed, so that no link in the
// image can lead a copy onto /work, /proc or anything but the verified image.
bool image_source(const std::string& path, std::string& root, std::string& inside) {
    for (const char* top : {"/sources", "/seed"}) {
        std::string t = top;
        if (path.rfind(t + "/", 0) == 0 || path == t) {
            root = t;
            inside = path.size() > t.size() ? path.substr(t.size()) : "/";
            return true;
        }
    }
    return fail("copy source " + path + " is not in the root image's /sources or /seed");
}

bool start_root(const seedboot::PlanStep& step, const Work& work, const std::string& aside) {
    std::string path = root_path(work, step.root);
    if (exists(path)) {
        say("build root " + step.root + " is left from a cut-off start: moved to " + aside);
        if (!make_dirs(work.aside()) || ::rename(path.c_str(), aside.c_str()) != 0)
            return fail_errno("move " + path + " to " + aside);
    }
    if (::mkdir(path.c_str(), 0755) != 0) return fail_errno("make build root " + path);
    if (step.base.empty()) return true;
    CopyRequest copy{.src_root = "", .src = "/", .dst_root = path, .dst = "/"};
    if (step.base[0] == '/') {
        if (!image_source(step.base, copy.src_root, copy.src)) return false;
    } else {
        copy.src_root = root_path(work, step.base);
    }
    return copy_into_root(copy);
}

// WORKDIR: every missing folder of `dir` inside the root. Through no symlink:
// a step may have left one, and the PID 1 follows none (Docker would follow it
// inside the root; StageX's recipes never need that).
bool make_folder(const std::string& root, const std::string& dir) {
    Fd top(::open(root.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!top.ok()) return fail_errno("open build root " + root);
    std::string at = "/";
    size_t i = 0;
    while (i < dir.size()) {
        size_t end = dir.find('/', i);
        if (end == std::string::npos) end = dir.size();
        std::string name = dir.substr(i, end - i);
        i = end + 1;
        if (name.empty()) continue;
        Fd parent = open_beneath(top.get(), at, O_PATH | O_DIRECTORY);
        if (!parent.ok() && errno == ELOOP)
            return fail("WORKDIR " + dir + " in " + root + ": " + at +
                        " is a symbolic link (expected folders reached through no link)");
        if (!parent.ok()) return fail_errno("WORKDIR " + dir + ": open " + at + " in " + root);
        if (::mkdirat(parent.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
            return fail_errno("WORKDIR " + dir + ": make " + name + " in " + root + at);
        at += (at == "/" ? "" : "/") + name;
    }
    if (!open_beneath(top.get(), dir, O_PATH | O_DIRECTORY).ok())
        return fail_errno("WORKDIR " + dir + " in " + root + " is not a folder");
    return true;
}

bool copy_step(const seedboot::PlanStep& step, const Work& work) {
    if (step.argv.size() < 2) return fail("copy step " + step.name + " names no source");
    CopyRequest copy{.src_root = "",
                     .src = "",
                     .dst_root = root_path(work, step.root),
                     .dst = step.argv.back(),
                     .chmod = step.chmod};
    for (size_t i = 0; i + 1 < step.argv.size(); ++i) {
        if (step.from == "image") {
            if (!image_source(step.argv[i], copy.src_root, copy.src)) return false;
        } else {
            copy.src_root = root_path(work, step.from);
            copy.src = step.argv[i];
        }
        if (!copy_into_root(copy)) return false;
    }
    return true;
}

} // namespace

std::string root_path(const Work& work, const std::string& root) {
    return root == "build" ? work.build() : work.roots() + "/" + root;
}

bool run_action(const seedboot::PlanStep& step, const Work& work, const std::string& aside) {
    switch (step.action) {
    case seedboot::StepAction::start:
        return start_root(step, work, aside);
    case seedboot::StepAction::mkdir:
        return !step.argv.empty() ? make_folder(root_path(work, step.root), step.argv[0])
                                  : fail("mkdir step " + step.name + " names no folder");
    case seedboot::StepAction::copy:
        return copy_step(step, work);
    case seedboot::StepAction::run:
        break;
    }
    return fail("step " + step.name + " runs a program: not a PID 1 action");
}

} // namespace init
