// seedboot lock: the source lock (tree digest, or sha256 and size) of a tree or tarball the
// user has, for rootfs/locks/.
#include "command.hpp"

#include "builder/spec/source_lock.hpp"

#include <cstdio>

namespace builder::cli {

namespace {

struct LockArgs {
    std::string path, name;
};

int cmd_lock(const LockArgs& a) {
    std::string text, err;
    if (!make_lock_text(a.path, a.name, text, err)) return error(err);
    std::fputs(text.c_str(), stdout);
    return 0;
}

} // namespace

void register_lock(CLI::App& app, Action& run) {
    auto [c, a] = add_command<LockArgs>(
        app, run, "lock", "print a source lock (tree digest or sha256) for a folder or file",
        cmd_lock);
    c->add_option("path", a->path, "the source tree or tarball")->required();
    c->add_option("--name", a->name, "the source's name")->required();
}

} // namespace builder::cli
