#include "resolve.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace seedboot {

Fd open_resolved(int dir, const char* path, int flags, uint64_t resolve) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.resolve = resolve | RESOLVE_NO_MAGICLINKS;
    return Fd(static_cast<int>(::syscall(SYS_openat2, dir, path, &how, sizeof how)));
}

Fd open_beneath(int dir, const char* path, int flags) {
    return open_resolved(dir, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
}

} // namespace seedboot
