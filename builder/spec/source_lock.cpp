#include "source_lock.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/format/tree.hpp"
#include "libseedboot/sys/files.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace builder {

namespace {

[[nodiscard]] bool file_digest(const std::string& path, TreeDigest& out, std::string& err) {
    return seedboot::sha256_file(path, out.sha256, out.entries, err);
}

// "part /NAME SHA256 ENTRIES": NAME %-escaped as in manifests
[[nodiscard]] bool parse_part(const std::string& value, SourceLock& lock) {
    auto w = seedboot::split_words(value);
    std::string name;
    TreeDigest d;
    if (w.size() != 3 || !seedboot::decode_path(w[0], name) || name == "/" ||
        name.find('/', 1) != std::string::npos || !seedboot::is_sha256_hex(w[1]) ||
        !seedboot::parse_u64(w[2], d.entries))
        return false;
    name.erase(0, 1);
    d.sha256 = std::string(w[1]);
    return lock.parts.emplace(name, d).second;
}

[[nodiscard]] bool is_commit_id(std::string_view s) {
    return s.size() == 40 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// "get git URL COMMIT"
[[nodiscard]] bool parse_get(const std::string& value, GetRecipe& get) {
    auto w = seedboot::split_words(value);
    if (w.size() != 3 || w[0] != "git" || !is_commit_id(w[2])) return false;
    get = {"git", std::string(w[1]), std::string(w[2])};
    return true;
}

[[nodiscard]] bool parse_line(const std::string& key, const std::string& value, SourceLock& lock) {
    if (value.empty()) return false;
    if (key == "name") return seedboot::is_clean_name(lock.name = value);
    if (key == "kind") return (lock.kind = value) == "tree" || value == "file";
    if (key == "sha256") return seedboot::is_sha256_hex(lock.sha256 = value);
    if (key == "size") return seedboot::parse_u64(value, lock.size);
    if (key == "url") return !(lock.url = value).empty();
    if (key == "part") return parse_part(value, lock);
    if (key == "get") return parse_get(value, lock.get);
    return false;
}

// Which top-level entries differ between the lock and what was found.
std::string part_differences(const std::map<std::string, TreeDigest>& want,
                             const std::map<std::string, TreeDigest>& have) {
    std::string missing, extra, differ;
    auto add = [](std::string& list, const std::string& item) {
        list += (list.empty() ? "" : ", ") + item;
    };
    for (const auto& [name, d] : want) {
        auto it = have.find(name);
        if (it == have.end())
            add(missing, name);
        else if (it->second.sha256 != d.sha256)
            add(differ, name + " (" + std::to_string(it->second.entries) + " entries, lock " +
                            std::to_string(d.entries) + ")");
    }
    for (const auto& [name, d] : have)
        if (!want.count(name)) add(extra, name);
    std::string out;
    if (!differ.empty()) out += "; top-level entries that differ: " + differ;
    if (!missing.empty()) out += "; missing: " + missing;
    if (!extra.empty()) out += "; not in the lock: " + extra;
    return out;
}

} // namespace

[[nodiscard]] bool load_lock(const std::string& path, SourceLock& out, std::string& err) {
    std::ifstream f(path);
    if (!f) {
        err = path + ": source lock not found";
        return false;
    }
    SourceLock lock;
    lock.file = path;
    std::string line;
    for (size_t n = 1; std::getline(f, line); ++n) {
        if (line.empty() || line[0] == '#') continue;
        size_t sp = line.find(' ');
        std::string key = line.substr(0, sp),
                    value = sp == std::string::npos ? "" : line.substr(sp + 1);
        if (!parse_line(key, value, lock)) {
            err = seedboot::located(path, n,
                                    "bad line '" + line +
                                        "' (expected name NAME, kind tree|file, sha256 HEX, size "
                                        "N, part /NAME HEX N, url URL, get git URL COMMIT)");
            return false;
        }
    }
    if (lock.name.empty() || lock.kind.empty() || lock.sha256.empty()) {
        err = path + ": a lock needs name, kind and sha256 lines";
        return false;
    }
    out = std::move(lock);
    return true;
}

std::string how_to_get(const SourceLock& lock) {
    if (lock.get.kind == "git")
        return "get it with `seedboot get " + lock.file + " --into DIR` (git " + lock.get.url +
               " at " + lock.get.commit + " with every submodule, nested ones too)";
    return "get it from " + (lock.url.empty() ? std::string("its upstream") : lock.url);
}

[[nodiscard]] bool check_lock(const SourceLock& lock, const std::string& host, std::string& err) {
    std::error_code ec;
    bool is_dir = std::filesystem::is_directory(host, ec);
    if (!std::filesystem::exists(host, ec)) {
        err = host + ": source '" + lock.name + "' is missing (locked by " + lock.file + "; " +
              how_to_get(lock) + ")";
        return false;
    }
    if (is_dir != (lock.kind == "tree")) {
        err = host + ": expected a " + (lock.kind == "tree" ? "directory" : "file") +
              " for source '" + lock.name + "'";
        return false;
    }
    TreeDigest have;
    std::map<std::string, TreeDigest> parts;
    if (!(is_dir ? tree_digest(host, have, err, &parts) : file_digest(host, have, err)))
        return false;
    if (have.sha256 == lock.sha256 && have.entries == lock.size) return true;
    err = host + ": " + (is_dir ? "tree digest " : "sha256 ") + have.sha256 + " (" +
          std::to_string(have.entries) + (is_dir ? " entries" : " bytes") + "), but " + lock.file +
          " expects " + lock.sha256 + " (" + std::to_string(lock.size) + ")" +
          (is_dir && !lock.parts.empty() ? part_differences(lock.parts, parts) : "") +
          ": refusing a source that is not the locked one; " + how_to_get(lock);
    return false;
}

[[nodiscard]] bool make_lock_text(const std::string& host, const std::string& name,
                                  std::string& text, std::string& err) {
    std::error_code ec;
    bool is_dir = std::filesystem::is_directory(host, ec);
    TreeDigest d;
    std::map<std::string, TreeDigest> parts;
    if (!(is_dir ? tree_digest(host, d, err, &parts) : file_digest(host, d, err))) return false;
    std::ostringstream o;
    o << "name " << name << "\nkind " << (is_dir ? "tree" : "file") << "\nsha256 " << d.sha256
      << "\nsize " << d.entries << "\n";
    for (const auto& [top, p] : parts)
        o << "part " << seedboot::encode_path("/" + top) << " " << p.sha256 << " " << p.entries
          << "\n";
    o << "# complete with: url URL, and for a git tree: get git URL COMMIT\n";
    text = o.str();
    return true;
}

} // namespace builder
