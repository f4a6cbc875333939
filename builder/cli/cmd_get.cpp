// seedboot get LOCK... --into DIR: fetch locked sources exactly as their locks say.
#include "command.hpp"

#include "builder/fetch/source_get.hpp"

#include <vector>

namespace builder::cli {

namespace {

struct GetArgs {
    std::vector<std::string> locks;
    std::string into;
};

int cmd_get(const GetArgs& a) {
    for (const auto& path : a.locks) {
        SourceLock lock;
        std::string err;
        if (!load_lock(path, lock, err) || !get_source(lock, a.into, err)) return error(err);
    }
    return 0;
}

} // namespace

void register_get(CLI::App& app, Action& run) {
    auto [c, a] = add_command<GetArgs>(
        app, run, "get",
        "fetch locked sources exactly as their locks' get lines say, and check them", cmd_get);
    c->add_option("locks", a->locks, "source locks (rootfs/locks/NAME.lock)")->required();
    c->add_option("--into", a->into, "folder that receives NAME (what SOURCES= names)")->required();
}

} // namespace builder::cli
