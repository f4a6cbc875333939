#include "init/journal/journal_trust.hpp"

#include "init/console/console.hpp"
#include "init/work/aside.hpp"

#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/files.hpp"

#include <cerrno>
#include <sys/stat.h>

namespace init {

namespace {

// False with errno set when lstat fails for another reason than a missing path.
[[nodiscard]] bool exists(const std::string& path, bool& found) {
    struct stat st {};
    found = ::lstat(path.c_str(), &st) == 0;
    return found || errno == ENOENT || fail_errno("stat " + path);
}

// Keeps text[offset:] in the aside folder and makes text[:offset] the journal (one rename).
[[nodiscard]] bool keep_trusted(const Work& work, const std::string& text, size_t offset,
                                std::string& kept) {
    std::string err;
    if (!seedboot::make_dirs(work.aside(), err)) return fail(err);
    if (!next_copy_name(work.aside() + "/state.untrusted", kept)) return false;
    std::string_view all(text);
    return (seedboot::write_file_atomic(kept, all.substr(offset), 0644, err) &&
            seedboot::write_file_atomic(work.journal(), all.substr(0, offset), 0644, err)) ||
           fail(err);
}

[[nodiscard]] bool reread(const Work& work, const std::string& text, seedboot::Journal& j) {
    std::string err;
    return seedboot::parse_journal(text, work.journal(), j, err) || fail(err);
}

} // namespace

[[nodiscard]] bool load_journal(const Work& work, seedboot::Journal& j) {
    j = {};
    const std::string& path = work.journal();
    std::string text, err, kept;
    bool found = false;
    if (!exists(path, found)) return false;
    if (!found) return true;
    if (!seedboot::read_file(path, "journal", text, err)) return fail(err);
    if (!seedboot::parse_journal(text, path, j, err)) return fail(err);
    if (j.trusted_bytes == text.size()) return true;
    std::string trusted = text.substr(0, j.trusted_bytes);
    if (!j.damaged_line) {
        say("journal: a line cut off by a power loss is removed (" +
            std::to_string(text.size() - trusted.size()) + " bytes)");
        return seedboot::write_file_atomic(path, trusted, 0644, err) || fail(err);
    }
    say("journal: " + j.damage_report(path));
    if (!keep_trusted(work, text, j.trusted_bytes, kept)) return false;
    say("journal: its untrusted lines are kept in " + kept +
        "; every step after the last trusted line runs again");
    return reread(work, trusted, j);
}

[[nodiscard]] bool cut_journal(const Work& work, size_t offset, const std::string& why,
                               seedboot::Journal& j) {
    std::string text, kept, err;
    if (!seedboot::read_file(work.journal(), "journal", text, err)) return fail(err);
    if (offset > text.size())
        return fail("cut the journal at byte " + std::to_string(offset) + ": it holds only " +
                    std::to_string(text.size()));
    if (!keep_trusted(work, text, offset, kept)) return false;
    say("journal: " + why + ": the journal ends before it now (the lines from it on are kept in " +
        kept + "), and every step from there runs again");
    return reread(work, text.substr(0, offset), j);
}

} // namespace init
