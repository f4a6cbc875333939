#include "init/actions/step_action.hpp"

#include "init/actions/tree_copy.hpp"
#include "init/actions/tree_paths.hpp"
#include "init/console/console.hpp"

#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/resolve.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace init {

using seedboot::Fd;

namespace {

// A root image path as the folder it is resolved in and the path inside it:
// /sources/... inside /sources, /seed/... inside /seed, so that no link in the
// image can lead a copy onto /work, /proc or anything but the verified image.
[[nodiscard]] bool image_source(const std::string& path, std::string& root, std::string& inside) {
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

// FROM an image folder: the folder's contents become the root's first layer.
[[nodiscard]] bool start_root(const seedboot::PlanStep& step, const ActionTrees& t) {
    if (step.base.empty() || step.base[0] != '/')
        return fail("start step " + step.name +
                    " has no image folder to copy (expected base=/...)");
    CopyRequest copy{.src_root = "", .src = "/", .dst_root = t.into, .dst = "/"};
    return image_source(step.base, copy.src_root, copy.src) && copy_into_root(copy);
}

// WORKDIR: every missing folder of `dir` inside the root. Through no symlink:
// a step may have left one, and the PID 1 follows none (Docker would follow it
// inside the root; StageX's recipes never need that).
[[nodiscard]] bool make_folder(const std::string& root, const std::string& dir) {
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
        Fd parent = seedboot::open_beneath(top.get(), at.c_str(), O_PATH | O_DIRECTORY);
        if (!parent.ok() && errno == ELOOP)
            return fail("WORKDIR " + dir + " in " + root + ": " + at +
                        " is a symbolic link (expected folders reached through no link)");
        if (!parent.ok()) return fail_errno("WORKDIR " + dir + ": open " + at + " in " + root);
        if (::mkdirat(parent.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
            return fail_errno("WORKDIR " + dir + ": make " + name + " in " + root + at);
        at += (at == "/" ? "" : "/") + name;
    }
    if (!seedboot::open_beneath(top.get(), dir.c_str(), O_PATH | O_DIRECTORY).ok())
        return fail_errno("WORKDIR " + dir + " in " + root + " is not a folder");
    return true;
}

[[nodiscard]] bool copy_step(const seedboot::PlanStep& step, const ActionTrees& t) {
    if (step.argv.size() < 2) return fail("copy step " + step.name + " names no source");
    CopyRequest copy{.src_root = "",
                     .src = "",
                     .dst_root = t.into,
                     .dst = step.argv.back(),
                     .chmod = step.chmod};
    for (size_t i = 0; i + 1 < step.argv.size(); ++i) {
        if (step.from == "image") {
            if (!image_source(step.argv[i], copy.src_root, copy.src)) return false;
        } else {
            copy.src_root = t.from;
            copy.src = step.argv[i];
        }
        if (!copy_into_root(copy)) return false;
    }
    return true;
}

} // namespace

[[nodiscard]] bool run_action(const seedboot::PlanStep& step, const ActionTrees& t) {
    switch (step.action) {
    case seedboot::StepAction::start:
        return start_root(step, t);
    case seedboot::StepAction::mkdir:
        return !step.argv.empty() ? make_folder(t.into, step.argv[0])
                                  : fail("mkdir step " + step.name + " names no folder");
    case seedboot::StepAction::copy:
        return copy_step(step, t);
    case seedboot::StepAction::run:
        break;
    }
    return fail("step " + step.name + " runs a program: not a PID 1 action");
}

} // namespace init
