// Copying a tree out of the work file system to the host; see work_fs.hpp.
#include "ext2.hpp"
#include "layered_root.hpp"

#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/io.hpp"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace builder {

namespace {

using namespace work_fs;

// Clears the way for a new file or symlink at `host`, or checks a directory may stay.
[[nodiscard]] bool prepare_host_path(const std::string& host, bool want_dir, std::string& err) {
    struct stat st {};
    if (::lstat(host.c_str(), &st) != 0) return true;
    if (S_ISDIR(st.st_mode)) {
        if (want_dir) return true;
        err = host + ": is a directory on the host (expected nothing, or a file to replace)";
        return false;
    }
    if (::unlink(host.c_str()) == 0) return true;
    err = seedboot::sys_error(host + ": removing the old copy");
    return false;
}

[[nodiscard]] bool extract_file(WorkFs& fs, const std::string& path, const WorkFsEntry& e,
                                const std::string& host, std::string& err) {
    // `path` is where the file is in the file system, `e` what it is.
    ext2_ino_t ino = 0;
    if (!lookup(fs, path, false, ino, err)) return false;
    mode_t mode = 0644 | (e.mode & 0111);
    seedboot::Fd out(
        ::open(host.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    // fchmod: the umask must not take away the exec bits that make a built tool runnable.
    if (!out.ok() || ::fchmod(out.get(), mode) != 0) {
        err = seedboot::sys_error(host + ": creating the copy of " + path);
        return false;
    }
    uint64_t at = 0;
    auto write = [&](const char* data, size_t n, std::string& werr) {
        if (!seedboot::pwrite_all(out.get(), data, n, at)) {
            werr = seedboot::sys_error(host + ": writing");
            return false;
        }
        at += n;
        return true;
    };
    return stream_file(fs, ino, e.size, path, write, err);
}

[[nodiscard]] bool extract_entry(WorkFs& fs, const std::string& source, const WorkFsEntry& e,
                                 const std::string& host, std::string& err) {
    switch (e.type) {
    case 'd':
        if (!prepare_host_path(host, true, err)) return false;
        if (::mkdir(host.c_str(), 0755) == 0 || errno == EEXIST) return true;
        err = seedboot::sys_error(host + ": creating the directory");
        return false;
    case 'f':
        return prepare_host_path(host, false, err) && extract_file(fs, source, e, host, err);
    case 'l':
        if (!prepare_host_path(host, false, err)) return false;
        if (::symlink(e.link_target.c_str(), host.c_str()) == 0) return true;
        err = seedboot::sys_error(host + ": creating the symlink to " + e.link_target);
        return false;
    default:
        return true; // devices, fifos and sockets: nothing to extract
    }
}

[[nodiscard]] bool make_dest(const std::string& dest, std::string& err) {
    std::error_code ec;
    std::filesystem::create_directories(dest, ec);
    if (!ec) return true;
    err = dest + ": cannot create the destination folder: " + ec.message();
    return false;
}

} // namespace

[[nodiscard]] bool extract_work_tree(WorkFs& fs, const std::string& dir, const std::string& dest,
                                     std::string& err) {
    std::string base = strip_trailing_slashes(dir);
    std::vector<WorkFsEntry> entries;
    if (!list_work_tree(fs, base, entries, err) || !make_dest(dest, err)) return false;
    size_t prefix = base == "/" ? 1 : base.size() + 1;
    // Sorted by path, so every directory is made before what goes into it.
    for (const WorkFsEntry& e : entries)
        if (!extract_entry(fs, e.path, e, dest + "/" + e.path.substr(prefix), err)) return false;
    return true;
}

[[nodiscard]] bool extract_root_entries(WorkFs& fs, const std::vector<RootEntry>& entries,
                                        const std::string& below, const std::string& dest,
                                        std::string& err) {
    if (!make_dest(dest, err)) return false;
    std::string base = below == "/" ? "" : strip_trailing_slashes(below);
    size_t n = 0;
    for (const RootEntry& r : entries) {
        const std::string& p = r.entry.path;
        if (!base.empty() && p.rfind(base + "/", 0) != 0) continue;
        ++n;
        if (!extract_entry(fs, r.source, r.entry, dest + p.substr(base.size()), err)) return false;
    }
    if (n || base.empty()) return true;
    err = fs.image() + ": the root holds nothing below " + below;
    return false;
}

} // namespace builder
