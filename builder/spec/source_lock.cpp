#include "source_lock.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/format/tree.hpp"
#include "libseedboot/sys/files.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace builder {

bool load_lock(const std::string& path, SourceLock& out, std::string& err) {
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
        bool ok = !value.empty();
        if (key == "name")
            lock.name = value;
        else if (key == "kind")
            ok = ok && (value == "tree" || value == "file"), lock.kind = value;
        else if (key == "sha256")
            ok = ok && seedboot::is_sha256_hex(value), lock.sha256 = value;
        else if (key == "size")
            ok = ok && seedboot::parse_u64(value, lock.size);
        else if (key == "url")
            lock.url = value;
        else if (key == "get")
            lock.get = value;
        else
            ok = false;
        if (!ok) {
            err = seedboot::located(
                path, n,
                "bad line '" + line +
                    "' (expected name, kind tree|file, sha256 HEX, size N, url, get)");
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

bool tree_digest(const std::string& dir, std::string& digest, uint64_t& entries, std::string& err) {
    seedboot::Manifest m;
    // Entry paths come out under "/t"; the digest covers the part below it.
    if (!seedboot::scan_tree(dir, "/t", m, err)) return false;
    seedboot::Sha256 h;
    entries = 0;
    for (auto& e : m) {
        if (e.path == "/t") continue;
        e.mode = seedboot::normalized_mode(e.type, e.mode);
        std::string line =
            seedboot::describe_entry(e) + " " + seedboot::encode_path(e.path.substr(2)) + "\n";
        h.update(line.data(), line.size());
        ++entries;
    }
    digest = h.hex();
    return true;
}

bool check_lock(const SourceLock& lock, const std::string& host, std::string& err) {
    std::error_code ec;
    bool is_dir = std::filesystem::is_directory(host, ec);
    if (!std::filesystem::exists(host, ec)) {
        err = host + ": source '" + lock.name + "' is missing (locked by " + lock.file +
              "; get it from " + lock.url + (lock.get.empty() ? "" : ": " + lock.get) + ")";
        return false;
    }
    if (is_dir != (lock.kind == "tree")) {
        err = host + ": expected a " + (lock.kind == "tree" ? "directory" : "file") +
              " for source '" + lock.name + "'";
        return false;
    }
    std::string digest;
    uint64_t size = 0;
    if (!(is_dir ? tree_digest(host, digest, size, err)
                 : seedboot::sha256_file(host, digest, size, err)))
        return false;
    if (digest == lock.sha256 && size == lock.size) return true;
    err = host + ": " + (is_dir ? "tree digest " : "sha256 ") + digest + " (" +
          std::to_string(size) + (is_dir ? " entries" : " bytes") + "), but " + lock.file +
          " expects " + lock.sha256 + " (" + std::to_string(lock.size) +
          "): refusing a source that is not the locked one";
    return false;
}

bool make_lock_text(const std::string& host, const std::string& name, std::string& text,
                    std::string& err) {
    std::error_code ec;
    bool is_dir = std::filesystem::is_directory(host, ec);
    std::string digest;
    uint64_t size = 0;
    if (!(is_dir ? tree_digest(host, digest, size, err)
                 : seedboot::sha256_file(host, digest, size, err)))
        return false;
    std::ostringstream o;
    o << "name " << name << "\nkind " << (is_dir ? "tree" : "file") << "\nsha256 " << digest
      << "\nsize " << size << "\nurl FILL-IN\n";
    text = o.str();
    return true;
}

} // namespace builder
