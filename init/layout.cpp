#include "layout.hpp"

#include "console.hpp"
#include "files.hpp"
#include "libseedboot/sys/fd.hpp"
#include "tree_paths.hpp"

#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace init {

namespace fs = std::filesystem;

namespace {

bool remove_tree(const std::string& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
    return !ec || fail("remove " + path + ": " + ec.message());
}

bool copy_tree(const std::string& from, const std::string& to) {
    std::error_code ec;
    auto parent = fs::path(to).parent_path().string();
    if (!make_dirs(parent)) return false;
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    return !ec || fail("copy " + from + " to " + to + ": " + ec.message());
}

} // namespace

bool lay_out(const seedboot::Plan& plan, const std::string& root, const std::string& journal,
             const std::string& journal_lines) {
    std::string tmp = root + ".tmp";
    if (!remove_tree(tmp) || !remove_tree(root)) return false;
    if (!make_dirs(tmp)) return false;
    for (const auto& d : plan.mkdirs)
        if (!make_dirs(tmp + d)) return false;
    for (const auto& c : plan.copies)
        if (!copy_tree(c.from, tmp + c.to)) return false;
    if (::rename(tmp.c_str(), root.c_str()) != 0)
        return fail_errno("rename " + tmp + " to " + root);
    // The plan beside the journal lets `seedboot status` read a work disk alone.
    std::string parent = fs::path(root).parent_path().string();
    if (!replace_file(parent + "/plan", seedboot::format_plan(plan))) return false;
    // One flush for the tree, its rename and the plan copy, before the journal lines that
    // declare them laid out: a power cut before the lines lays the tree out again.
    if (!sync_fs(parent)) return false;
    if (!append_durably(journal, journal_lines)) return false;
    say("build tree laid out in " + root);
    return true;
}

bool make_mount_points(const seedboot::Plan& plan, const std::string& root) {
    Fd tree(::open(root.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!tree.ok()) return fail_errno("open the build tree " + root);
    for (const auto& b : plan.binds) {
        struct stat st {};
        if (::stat(b.from.c_str(), &st) != 0) return fail_errno("bind source " + b.from);
        if (!make_mount_point(tree.get(), b.to, S_ISDIR(st.st_mode))) return false;
    }
    return true;
}

} // namespace init
