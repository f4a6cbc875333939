#include "tree.hpp"

#include "libseedboot/sys/sha256.hpp"
#include "text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace seedboot {

namespace {

std::string sys_error(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

struct DirCloser {
    void operator()(DIR* d) const { closedir(d); }
};

[[nodiscard]] bool hash_file(const std::string& file, ManifestEntry& e, std::string& err) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        err = sys_error("open " + file);
        return false;
    }
    bool ok = sha256_fd(fd, e.sha256, e.size);
    if (!ok) err = sys_error("read " + file);
    ::close(fd);
    return ok;
}

[[nodiscard]] bool hash_link(const std::string& file, ManifestEntry& e, std::string& err) {
    char target[4096];
    ssize_t n = ::readlink(file.c_str(), target, sizeof target);
    if (n < 0 || static_cast<size_t>(n) == sizeof target) {
        err = n < 0 ? sys_error("readlink " + file) : file + ": link target too long";
        return false;
    }
    e.size = static_cast<uint64_t>(n);
    e.sha256 = sha256_hex(std::string_view(target, static_cast<size_t>(n)));
    return true;
}

[[nodiscard]] bool walk(const std::string& dir, const std::string& prefix, Manifest& out,
                        std::string& err, Contents contents) {
    std::unique_ptr<DIR, DirCloser> d(opendir(dir.c_str()));
    if (!d) {
        err = sys_error("open directory " + dir);
        return false;
    }
    std::vector<std::string> names;
    errno = 0;
    while (dirent* ent = readdir(d.get())) {
        if (std::strcmp(ent->d_name, ".") && std::strcmp(ent->d_name, ".."))
            names.emplace_back(ent->d_name);
        errno = 0;
    }
    if (errno != 0) {
        err = sys_error("read directory " + dir);
        return false;
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        ManifestEntry e;
        if (!scan_entry(dir + "/" + name, prefix + "/" + name, e, err, contents)) return false;
        out.push_back(e);
        if (e.type == 'd' && !walk(dir + "/" + name, prefix + "/" + name, out, err, contents))
            return false;
    }
    return true;
}

} // namespace

[[nodiscard]] bool scan_entry(const std::string& file, const std::string& path, ManifestEntry& e,
                              std::string& err, Contents contents) {
    if (!is_plain_abs_path(path)) {
        err = "'" + file + "': name not allowed in an image";
        return false;
    }
    struct stat st {};
    if (::lstat(file.c_str(), &st) != 0) {
        err = sys_error("stat " + file);
        return false;
    }
    e = ManifestEntry{};
    e.path = path;
    e.mode = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
        e.type = 'd';
        e.sha256 = "-";
        return true;
    }
    if (S_ISREG(st.st_mode)) {
        e.type = 'f';
        if (contents == Contents::hashed) return hash_file(file, e, err);
        e.size = static_cast<uint64_t>(st.st_size);
        return true;
    }
    if (S_ISLNK(st.st_mode)) {
        e.type = 'l';
        return hash_link(file, e, err);
    }
    err = "'" + file + "' is not a file, directory or symlink";
    return false;
}

[[nodiscard]] bool scan_tree(const std::string& dir, const std::string& prefix, Manifest& out,
                             std::string& err, Contents contents) {
    Manifest m;
    ManifestEntry root;
    if (!scan_entry(dir, prefix, root, err, contents)) return false;
    m.push_back(root);
    if (root.type == 'd' && !walk(dir, prefix, m, err, contents)) return false;
    // Depth-first order with sorted siblings is not byte order ("a/b" vs "a.c"): sort once.
    std::sort(m.begin(), m.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    out = std::move(m);
    return true;
}

} // namespace seedboot
