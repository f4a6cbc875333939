#include "init/work/space.hpp"

#include "init/console/console.hpp"

#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/files.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace init {

using seedboot::Fd;

namespace {

// Enough for the journal lines, a log's last block and /result of any plan.
constexpr uint64_t kReserveBytes = 1u << 20;

std::string human(uint64_t bytes) {
    char text[32];
    if (bytes < (1u << 20))
        std::snprintf(text, sizeof text, "%llu KiB", static_cast<unsigned long long>(bytes >> 10));
    else
        std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return text;
}

} // namespace

[[nodiscard]] bool work_space(const Work& work, Space& out) {
    struct statvfs st {};
    if (::statvfs(work.dir.c_str(), &st) != 0) return fail_errno("statvfs " + work.dir);
    // Steps run as root: the blocks ext4 keeps for root are theirs too.
    out.free_bytes = static_cast<uint64_t>(st.f_bfree) * st.f_frsize;
    out.total_bytes = static_cast<uint64_t>(st.f_blocks) * st.f_frsize;
    out.free_inodes = st.f_ffree;
    return true;
}

[[nodiscard]] bool is_full(const Space& s) {
    return s.free_bytes < kReserveBytes || s.free_inodes == 0;
}

std::string describe(const Space& s) {
    return human(s.free_bytes) + " of " + human(s.total_bytes) + " free, " +
           std::to_string(s.free_inodes) + " inodes free";
}

[[nodiscard]] bool keep_reserve(const Work& work) {
    Fd fd(::open(work.reserve().c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    int rc = fd.ok() ? ::posix_fallocate(fd.get(), 0, kReserveBytes) : errno;
    // Not fsync'd: a reserve lost to a power cut is simply taken again at the next boot.
    Space s;
    if (rc == 0 && !work_space(work, s)) return false;
    // Beyond the reserve, at least as much again for the steps: a run that filled the
    // disk must not start over only to fill it again.
    if (rc == 0 && !is_full(s)) return true;
    fd.reset();
    ::unlink(work.reserve().c_str()); // a partial reserve would hide how full the disk is
    if (rc != 0 && rc != ENOSPC && rc != EDQUOT) {
        errno = rc;
        return fail_errno("reserve space in " + work.reserve());
    }
    if (work_space(work, s))
        fail("the work partition is full (" + describe(s) + "); the PID 1 needs " +
             human(2 * kReserveBytes) + " free before it runs a step");
    say(kGrowHint);
    return false;
}

[[nodiscard]] bool report_if_full(const Work& work, const std::string& what) {
    Space s;
    if (!work_space(work, s) || !is_full(s)) return false;
    if (::unlink(work.reserve().c_str()) != 0 && errno != ENOENT)
        fail_errno("give back " + work.reserve());
    // Best effort: the failure is told below whether or not the sync works.
    std::string ignored;
    static_cast<void>(seedboot::sync_fs(work.dir, ignored));
    fail(what + " failed with the work partition full (" + describe(s) + ")");
    say(kGrowHint);
    return true;
}

} // namespace init
