// seedboot get LOCK... --into DIR: fetch locked sources exactly as their locks say.
#include "commands.hpp"
#include "source_get.hpp"

namespace builder {

int cmd_get(const std::vector<std::string>& locks, const std::string& into) {
    for (const auto& path : locks) {
        SourceLock lock;
        std::string err;
        if (!load_lock(path, lock, err) || !get_source(lock, into, err)) return error(err);
    }
    return 0;
}

} // namespace builder
