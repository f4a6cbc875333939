#include "files.hpp"

#include "console.hpp"

#include "libseedboot/sys/fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace init {

using seedboot::Fd;

namespace {

[[nodiscard]] bool write_fully(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

std::string parent_of(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

} // namespace

[[nodiscard]] bool read_file(const std::string& path, std::string& out, size_t limit) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.ok()) return fail_errno("open " + path);
    return read_open_file(fd.get(), path, out, limit);
}

[[nodiscard]] bool read_open_file(int fd, const std::string& path, std::string& out, size_t limit) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail_errno("stat " + path);
    if (!S_ISREG(st.st_mode)) return fail(path + " is not a regular file");
    if (static_cast<size_t>(st.st_size) > limit)
        return fail(path + " has " + std::to_string(st.st_size) + " bytes (at most " +
                    std::to_string(limit) + " expected)");
    out.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::read(fd, out.data() + done, out.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail_errno("read " + path);
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    out.resize(done);
    return true;
}

[[nodiscard]] bool fsync_dir(const std::string& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.ok() || ::fsync(fd.get()) != 0) return fail_errno("fsync directory " + dir);
    return true;
}

[[nodiscard]] bool sync_fs(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.ok() || ::syncfs(fd.get()) != 0) return fail_errno("syncfs " + path);
    return true;
}

namespace {

[[nodiscard]] bool write_and_rename(const std::string& path, std::string_view data, bool durable) {
    std::string tmp = path + ".tmp";
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.ok()) return fail_errno("create " + tmp);
    if (!write_fully(fd.get(), data)) return fail_errno("write " + tmp);
    if (durable && ::fsync(fd.get()) != 0) return fail_errno("fsync " + tmp);
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) != 0) return fail_errno("rename " + tmp);
    return !durable || fsync_dir(parent_of(path));
}

} // namespace

[[nodiscard]] bool write_file_atomic(const std::string& path, std::string_view data) {
    return write_and_rename(path, data, true);
}

[[nodiscard]] bool replace_file(const std::string& path, std::string_view data) {
    return write_and_rename(path, data, false);
}

[[nodiscard]] bool append_durably(const std::string& path, std::string_view line) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!fd.ok()) return fail_errno("open " + path);
    if (!write_fully(fd.get(), line)) return fail_errno("append to " + path);
    if (::fsync(fd.get()) != 0) return fail_errno("fsync " + path);
    return true;
}

[[nodiscard]] bool make_dirs(const std::string& path) {
    for (size_t i = 1; i <= path.size(); ++i) {
        if (i != path.size() && path[i] != '/') continue;
        std::string prefix = path.substr(0, i);
        if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
            return fail_errno("mkdir " + prefix);
    }
    return true;
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

} // namespace init
