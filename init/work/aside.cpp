#include "init/work/aside.hpp"

#include "init/console/console.hpp"

#include "libseedboot/format/text.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sys/stat.h>
#include <vector>

namespace init {

namespace fs = std::filesystem;

namespace {

struct Copy {
    std::string name; // "02-mini-kaem" of "02-mini-kaem.3"
    uint64_t k = 0;
    uint64_t bytes = 0; // allocated on disk
    std::string path;
};

[[nodiscard]] bool disk_bytes(const std::string& path, uint64_t& bytes) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return fail_errno("stat " + path);
    bytes = static_cast<uint64_t>(st.st_blocks) * 512;
    if (!S_ISDIR(st.st_mode)) return true;
    std::error_code ec;
    fs::recursive_directory_iterator it(path, fs::directory_options::none, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        if (::lstat(it->path().c_str(), &st) != 0) return fail_errno("stat " + it->path().string());
        bytes += static_cast<uint64_t>(st.st_blocks) * 512;
    }
    return !ec || fail("list " + path + ": " + ec.message());
}

// Every entry of the folder; k 0: not a numbered copy (never dropped, but counted).
[[nodiscard]] bool list_copies(const std::string& aside, std::vector<Copy>& copies) {
    std::error_code ec;
    for (fs::directory_iterator it(aside, ec), end; !ec && it != end; it.increment(ec)) {
        Copy c;
        std::string entry = it->path().filename().string();
        size_t dot = entry.rfind('.');
        if (dot == std::string::npos ||
            !seedboot::parse_u64(std::string_view(entry).substr(dot + 1), c.k))
            c.k = 0;
        c.name = c.k ? entry.substr(0, dot) : entry;
        c.path = it->path().string();
        if (!disk_bytes(c.path, c.bytes)) return false;
        copies.push_back(std::move(c));
    }
    if (ec == std::errc::no_such_file_or_directory) return true; // nothing set aside yet
    return !ec || fail("list " + aside + ": " + ec.message());
}

std::string kib(uint64_t bytes) {
    return std::to_string((bytes + 1023) / 1024) + " KiB";
}

} // namespace

[[nodiscard]] bool next_copy_name(const std::string& base, std::string& name) {
    fs::path p(base);
    std::vector<Copy> copies;
    if (!list_copies(p.parent_path().string(), copies)) return false;
    uint64_t last = 0;
    for (const auto& c : copies)
        if (c.name == p.filename().string()) last = std::max(last, c.k);
    name = base + "." + std::to_string(last + 1);
    return true;
}

[[nodiscard]] bool bound_aside(const std::string& aside, uint64_t cap) {
    std::vector<Copy> copies;
    if (!list_copies(aside, copies)) return false;
    std::map<std::string, uint64_t> latest;
    uint64_t total = 0;
    for (const auto& c : copies) {
        latest[c.name] = std::max(latest[c.name], c.k);
        total += c.bytes;
    }
    std::sort(copies.begin(), copies.end(), [](const Copy& a, const Copy& b) {
        return a.k != b.k ? a.k < b.k : a.name < b.name;
    });
    for (const auto& c : copies) {
        if (total <= cap) break;
        if (c.k == 0 || c.k == latest[c.name]) continue;
        std::error_code ec;
        fs::remove_all(c.path, ec);
        if (ec) return fail("drop " + c.path + ": " + ec.message());
        total -= c.bytes;
        say("aside: dropped " + c.path + " (" + kib(c.bytes) + "): the latest copy of each " +
            "step's partial work is kept, older ones only while " + aside + " holds at most " +
            kib(cap));
    }
    return true;
}

} // namespace init
