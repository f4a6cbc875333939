#include "files.hpp"

#include "error.hpp"
#include "fd.hpp"
#include "io.hpp"
#include "sha256.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace seedboot {

[[nodiscard]] bool read_file(const std::string& path, const char* what, std::string& out,
                             std::string& err, uint64_t limit) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.ok()) {
        err = sys_error(path + ": cannot read the " + what);
        return false;
    }
    return read_fd(fd.get(), path, what, out, err, limit);
}

[[nodiscard]] bool read_fd(int fd, const std::string& path, const char* what, std::string& out,
                           std::string& err, uint64_t limit) {
    const std::string cannot = path + ": cannot read the " + what;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
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
        ssize_t n = ::read(fd, buf, sizeof buf);
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

[[nodiscard]] bool write_file(const std::string& path, std::string_view data, unsigned mode,
                              std::string& err) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!fd.ok()) {
        err = sys_error(path + ": cannot create");
        return false;
    }
    if (!write_all(fd.get(), data) || !fd.close()) {
        err = sys_error(path + ": cannot write");
        return false;
    }
    return true;
}

[[nodiscard]] bool append_durably(const std::string& path, std::string_view data,
                                  std::string& err) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!fd.ok()) {
        err = sys_error(path + ": cannot open to append");
        return false;
    }
    if (!write_all(fd.get(), data) || ::fsync(fd.get()) != 0 || !fd.close()) {
        err = sys_error(path + ": cannot append");
        return false;
    }
    return true;
}

[[nodiscard]] bool make_dirs(const std::string& path, std::string& err) {
    for (size_t i = 1; i <= path.size(); ++i) {
        if (i != path.size() && path[i] != '/') continue;
        std::string prefix = path.substr(0, i);
        if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
            err = sys_error(prefix + ": cannot make the folder");
            return false;
        }
    }
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

[[nodiscard]] bool sync_fs(const std::string& dir, std::string& err) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.ok() && ::syncfs(fd.get()) == 0) return true;
    err = sys_error(dir + ": cannot flush its file system (syncfs)");
    return false;
}

Listing open_listing(int dir) {
    int copy = ::dup(dir);
    Listing d(copy >= 0 ? ::fdopendir(copy) : nullptr, ::closedir);
    if (!d && copy >= 0) {
        int saved = errno;
        ::close(copy);
        errno = saved;
    }
    return d;
}

} // namespace seedboot
