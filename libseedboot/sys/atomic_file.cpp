#include "atomic_file.hpp"

#include "error.hpp"
#include "files.hpp"
#include "io.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace seedboot {

TempFile::~TempFile() {
    remove();
}

TempFile::TempFile(TempFile&& o) noexcept
    : path_(std::exchange(o.path_, "")), fd_(std::move(o.fd_)) {}

TempFile& TempFile::operator=(TempFile&& o) noexcept {
    if (this != &o) {
        remove();
        path_ = std::exchange(o.path_, "");
        fd_ = std::move(o.fd_);
    }
    return *this;
}

void TempFile::remove() {
    fd_.reset();
    if (!path_.empty()) ::unlink(path_.c_str());
    path_.clear();
}

bool TempFile::create(std::string pattern, std::string& err) {
    remove();
    const std::string asked = pattern; // mkostemp may leave a failed name in `pattern`
    Fd fd(::mkostemp(pattern.data(), O_CLOEXEC));
    if (!fd.ok()) {
        int saved = errno;
        err = sys_error(asked + ": cannot create a temporary file");
        errno = saved; // for the caller's own message
        return false;
    }
    path_ = std::move(pattern);
    fd_ = std::move(fd);
    return true;
}

void TempFile::adopt(std::string path) {
    remove();
    path_ = std::move(path);
}

std::string TempFile::keep() {
    fd_.reset();
    return std::exchange(path_, "");
}

bool AtomicFile::create(const std::string& path, mode_t mode, std::string& err) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        err = path + ": not a regular file (expected a file to replace, or nothing)";
        return false;
    }
    std::string dir = parent_dir(path);
    std::string name = path.substr(path.rfind('/') + 1);
    std::string pattern = (dir == "/" ? "" : dir) + "/." + name + ".tmp-XXXXXX";
    if (!temp_.create(pattern, err)) {
        err = sys_error(path + ": cannot create a temporary file next to it");
        return false;
    }
    // mkostemp made it 0600; an image or a signature is for others to read.
    if (::fchmod(temp_.fd(), mode) != 0) {
        err = sys_error(path + ": cannot set the mode of " + temp_.path());
        return false;
    }
    path_ = path;
    return true;
}

void AtomicFile::start_writeback() {
    ::sync_file_range(temp_.fd(), 0, 0, SYNC_FILE_RANGE_WRITE);
}

bool AtomicFile::flush(std::string& err, Sync sync) {
    if ((sync == Sync::durable && ::fsync(temp_.fd()) != 0) || !temp_.close()) {
        err = sys_error(path_ + ": writing " + temp_.path() + " out");
        return false;
    }
    return true;
}

bool AtomicFile::commit(std::string& err, Sync sync) {
    if (!flush(err, sync)) return false;
    if (::rename(temp_.path().c_str(), path_.c_str()) != 0) {
        err = sys_error(path_ + ": renaming " + temp_.path() + " onto it");
        return false;
    }
    temp_.keep();
    return sync == Sync::atomic_only || fsync_dir(parent_dir(path_), err);
}

bool AtomicFile::commit_new(std::string& err) {
    if (!flush(err, Sync::durable)) return false;
    if (::link(temp_.path().c_str(), path_.c_str()) != 0) {
        err = errno == EEXIST ? path_ + ": already exists (expected a new file)"
                              : sys_error(path_ + ": linking " + temp_.path() + " to it");
        return false;
    }
    return fsync_dir(parent_dir(path_), err); // the temporary name goes with temp_
}

[[nodiscard]] bool write_file_atomic(const std::string& path, std::string_view data, mode_t mode,
                                     std::string& err, AtomicFile::Sync sync) {
    AtomicFile f;
    if (!f.create(path, mode, err)) return false;
    if (!write_all(f.fd(), data)) {
        err = sys_error(path + ": writing " + f.temp_path());
        return false;
    }
    return f.commit(err, sync);
}

} // namespace seedboot
