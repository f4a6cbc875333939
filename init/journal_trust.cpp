#include "journal_trust.hpp"

#include "aside.hpp"
#include "console.hpp"
#include "files.hpp"

#include <cerrno>
#include <sys/stat.h>

namespace init {

namespace {

// False with errno set when lstat fails for another reason than a missing path.
bool exists(const std::string& path, bool& found) {
    struct stat st {};
    found = ::lstat(path.c_str(), &st) == 0;
    return found || errno == ENOENT || fail_errno("stat " + path);
}

// The journal's trusted lines end before the steps that ran after them: the first
// step they do not show finished restarts from its checkpoint (what the tree held
// before it began), as after a power cut. `extra` gets the journal line that says so.
bool restore_after(const Work& work, const seedboot::Plan& plan, const seedboot::Journal& j,
                   std::string& extra) {
    bool found = false;
    if (!j.laid_out) { // no trusted layout line: the tree is set aside whole and laid out anew
        std::string to;
        if (!exists(work.build(), found)) return false;
        if (!found) return true;
        if (!next_copy_name(work.aside() + "/build.untrusted", to)) return false;
        if (::rename(work.build().c_str(), to.c_str()) != 0)
            return fail_errno("set aside " + work.build());
        say("journal: the build tree has no trusted layout line: set aside in " + to);
        return true;
    }
    for (size_t i = 0; i < plan.steps.size(); ++i) {
        const std::string& name = plan.steps[i].name;
        if (j.finished(name)) continue;
        if (j.unfinished(name)) return true; // it restarts from its checkpoint anyway
        // Its checkpoint is recorded just before its begin line: if there is one, the
        // step began after the trusted lines.
        if (!exists(work.checkpoints() + "/" + step_id(i, name), found)) return false;
        if (!found) return true;
        extra = seedboot::journal_begin(i, name, j.format);
        say("journal: step " + std::to_string(i + 1) + " " + name +
            " began after the last trusted line: it restarts from its checkpoint");
        return true;
    }
    return true;
}

} // namespace

bool load_journal(const Work& work, const seedboot::Plan& plan, seedboot::Journal& j) {
    j = {};
    const std::string& path = work.journal();
    std::string text, err, kept, extra;
    bool found = false;
    if (!exists(path, found)) return false;
    if (!found) return true;
    if (!read_file(path, text) || !make_dirs(work.aside())) return false;
    if (!seedboot::parse_journal(text, path, j, err)) return fail(err);
    if (j.format == 1)
        say("journal " + path +
            " is of format 1 (an older seedboot's, its lines carry no checks): read and "
            "appended to as before");
    if (j.trusted_bytes == text.size()) return true;
    std::string trusted = text.substr(0, j.trusted_bytes);
    if (!j.damaged_line) {
        say("journal: a line cut off by a power loss is removed (" +
            std::to_string(text.size() - trusted.size()) + " bytes)");
        return write_file_atomic(path, trusted);
    }
    say("journal: " + j.damage_report(path));
    if (!next_copy_name(work.aside() + "/state.untrusted", kept) ||
        !write_file_atomic(kept, std::string_view(text).substr(j.trusted_bytes)))
        return false;
    if (!restore_after(work, plan, j, extra)) return false;
    // One rename: the cut journal and the line that restores the next step land together.
    if (!write_file_atomic(path, trusted + extra)) return false;
    say("journal: its untrusted lines are kept in " + kept +
        "; every step after the last trusted line runs again");
    std::string again;
    return seedboot::parse_journal(trusted + extra, path, j, again) || fail(again);
}

} // namespace init
