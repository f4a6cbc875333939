#include "checkpoint.hpp"

#include "console.hpp"
#include "files.hpp"

#include "libseedboot/format/text.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <sys/stat.h>

namespace init {

namespace fs = std::filesystem;

namespace {

// "size mtime" of an entry, not following symlinks.
std::string stamp(const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return "?";
    return std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec);
}

// Relative path -> stamp, for everything below `root`.
bool walk(const std::string& root, std::map<std::string, std::string>& out) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
    for (; !ec && it != end; it.increment(ec))
        // Lexically: fs::relative would resolve a symlink the step made, and name
        // (then move) what it points to, outside the tree.
        out["/" + it->path().lexically_relative(root).string()] = stamp(it->path());
    return !ec || fail("list " + root + ": " + ec.message());
}

bool parse_listing(const std::string& text, std::map<std::string, std::string>& out) {
    for (std::string_view line : seedboot::split_lines(text)) {
        auto w = seedboot::split_words(line);
        std::string path;
        if (w.size() != 3 || !seedboot::decode_path(w[2], path))
            return fail("unreadable checkpoint line");
        out[path] = std::string(w[0]) + " " + std::string(w[1]);
    }
    return true;
}

// Whether a folder above `path` is in `moved`. Not only the last one moved: in the
// sorted walk "/out/x.sum" comes between "/out/x" and "/out/x/f".
bool below_any(const std::set<std::string>& moved, const std::string& path) {
    for (size_t slash = path.rfind('/'); slash != 0 && slash != std::string::npos;
         slash = path.rfind('/', slash - 1))
        if (moved.count(path.substr(0, slash))) return true;
    return false;
}

} // namespace

bool record_tree(const std::string& root, const std::string& listing) {
    std::map<std::string, std::string> entries;
    if (!walk(root, entries)) return false;
    std::string text;
    for (const auto& [path, st] : entries) text += st + " " + seedboot::encode_path(path) + "\n";
    return make_dirs(fs::path(listing).parent_path().string()) && write_file_atomic(listing, text);
}

bool set_aside_new(const std::string& root, const std::string& listing, const std::string& aside) {
    std::string text;
    std::map<std::string, std::string> before, now;
    if (!read_file(listing, text, 1u << 30) || !parse_listing(text, before) || !walk(root, now))
        return false;
    size_t changed = 0;
    std::set<std::string> moved; // what went below a moved folder went with it
    for (const auto& [path, st] : now) {
        if (below_any(moved, path)) continue;
        auto old = before.find(path);
        if (old == before.end()) {
            std::string to = aside + path;
            if (!make_dirs(fs::path(to).parent_path().string())) return false;
            if (::rename((root + path).c_str(), to.c_str()) != 0)
                return fail_errno("set aside " + root + path);
            moved.insert(path);
        } else if (old->second != st && fs::is_regular_file(fs::symlink_status(root + path))) {
            if (changed++ < 10)
                say("checkpoint: " + path + " was changed in place by the cut-off step");
        }
    }
    say("checkpoint: set aside " + std::to_string(moved.size()) +
        " path(s) the cut-off step had made, in " + aside);
    return sync_fs(root);
}

} // namespace init
