#include "init/layers/overlay.hpp"

#include "init/layers/step_stubs.hpp"

#include "init/console/console.hpp"

#include "libseedboot/sys/fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

namespace init {

namespace {

// Docker's overlay2 settings, spelled out so that no kernel default or boot parameter changes
// what a layer holds: no redirects (a renamed lower folder is copied up), no index, no
// metadata-only copy-up, no extended inode numbers.
constexpr const char* kOptions = ",redirect_dir=off,index=off,metacopy=off,xino=off";

// Top layer first. The bottom is an empty folder (or a RUN step's stubs), so that a
// read-only view of a one-layer root has the two lowers overlayfs needs; a read-only
// view of an empty root stacks two different empty folders, as overlayfs refuses one
// folder twice.
std::string lower_list(const seedboot::Stack& stack, bool read_only, Bottom bottom) {
    std::string list;
    for (auto it = stack.layers.rbegin(); it != stack.layers.rend(); ++it) list += it->name + ":";
    if (bottom == Bottom::step_stubs) return list + kStepStubs;
    return list + (read_only && stack.layers.empty() ? ".empty2:.empty" : ".empty");
}

} // namespace

bool MergedView::unmount() {
    if (target_.empty()) return true;
    std::string t = std::move(target_);
    target_.clear();
    if (::umount2(t.c_str(), 0) == 0) return true;
    return fail_errno("unmount the merged view " + t);
}

[[nodiscard]] bool mount_view(const LayerDirs& dirs, const seedboot::Stack& stack,
                              const std::string& upper, const std::string& target, Bottom bottom,
                              MergedView& out) {
    if (!out.unmount()) return false;
    std::string data = "lowerdir=" + lower_list(stack, upper.empty(), bottom);
    if (!upper.empty()) data += ",upperdir=" + upper + ",workdir=.work";
    data += kOptions;
    seedboot::Fd here(::open(dirs.layers.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!here.ok() || ::fchdir(here.get()) != 0) return fail_errno("enter " + dirs.layers);
    unsigned long flags = MS_NOSUID | MS_NODEV | (upper.empty() ? MS_RDONLY : 0);
    int rc = ::mount("overlay", target.c_str(), "overlay", flags, data.c_str());
    int saved = errno;
    if (::chdir("/") != 0) return fail_errno("leave " + dirs.layers);
    errno = saved;
    if (rc != 0)
        return fail_errno("mount the layers of a root (" + std::to_string(stack.layers.size()) +
                          " below" + (upper.empty() ? "" : ", " + upper + " on top") + ") on " +
                          target);
    out.target_ = target;
    return true;
}

} // namespace init
