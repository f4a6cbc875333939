#include "builder/stagex/fetch/fetch_dir.hpp"

#include "libseedboot/sys/files.hpp"

#include <cerrno>

namespace builder::fetch {

std::string fetched_path(const std::string& dir, const std::string& package,
                         const std::string& file) {
    return dir + "/" + package + "/" + file;
}

std::string partial_path(const std::string& dir, const std::string& package,
                         const std::string& file) {
    return dir + "/.partial/" + package + "/" + file;
}

[[nodiscard]] bool file_sha256(const std::string& path, std::string& hex, uint64_t& size,
                               bool& exists, std::string& err) {
    exists = true;
    if (seedboot::sha256_file(path, hex, size, err)) return true;
    exists = errno != ENOENT && errno != ENOTDIR; // as sha256_file's open(2) left it
    return false;
}

std::string check_fetched(const std::string& dir, const std::string& package,
                          const stagex::Source& source) {
    std::string hex, err;
    uint64_t size = 0;
    bool exists = false;
    if (!file_sha256(fetched_path(dir, package, source.file), hex, size, exists, err))
        return exists ? err : "missing";
    if (hex == source.sha256) return "";
    return "sha256 " + hex + " (" + std::to_string(size) + " bytes), expected " + source.sha256;
}

} // namespace builder::fetch
