#include "files.hpp"

#include "error.hpp"
#include "fd.hpp"
#include "sha256.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>

namespace seedboot {

[[nodiscard]] bool read_file(const std::string& path, const char* what, std::string& out,
                             std::string& err, uint64_t limit) {
    const std::string cannot = path + ": cannot read the " + what;
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!fd.ok() || ::fstat(fd.get(), &st) != 0) {
        err = sys_error(cannot);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        err = cannot + ": not a regular file";
        return false;
    }
    auto too_big = [&](uint64_t size) {
        err = path + ": " + std::to_string(size) + " bytes is too big for a " + what +
              " (expected at most " + std::to_string(limit) + ")";
        return false;
    };
    if (static_cast<uint64_t>(st.st_size) > limit) return too_big(st.st_size);
    std::string data;
    // Read to the end, not to st_size: a file that grew meanwhile is read as it is now.
    for (char buf[1 << 16];;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            err = sys_error(cannot);
            return false;
        }
        if (n == 0) break;
        if (data.size() + static_cast<size_t>(n) > limit) return too_big(data.size() + n);
        data.append(buf, static_cast<size_t>(n));
    }
    out = std::move(data);
    return true;
}

[[nodiscard]] bool sha256_file(const std::string& path, std::string& hex, uint64_t& size,
                               std::string& err) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.ok()) {
        err = sys_error(path + ": cannot open");
        return false;
    }
    if (sha256_fd(fd.get(), hex, size)) return true;
    err = sys_error(path + ": cannot read");
    return false;
}

std::string parent_dir(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

[[nodiscard]] bool fsync_dir(const std::string& dir, std::string& err) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.ok() && ::fsync(fd.get()) == 0) return true;
    err = sys_error(dir + ": cannot flush the folder (fsync)");
    return false;
}

} // namespace seedboot
