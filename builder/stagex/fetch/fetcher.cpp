#include "builder/stagex/fetch/fetcher.hpp"

#include "builder/fetch/progress_line.hpp"
#include "builder/stagex/fetch/fetch_dir.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace builder::fetch {

namespace {

namespace fs = std::filesystem;
using File = std::unique_ptr<std::FILE, decltype(&std::fclose)>;

struct Job {
    const stagex::Source& source;
    std::string package;
    std::string label; // "stage0/FILE", for messages
    std::string final_path, partial;
    const Options& options;
    std::ostream& log;

    void say(const std::string& what) const { log << "fetch " << label << ": " << what << "\n"; }
};

// Opens the partial file to append to (emptied first when `restart`), locked so
// that a second seedboot fetch on the same folder cannot write into it too, and
// says how many bytes it holds.
[[nodiscard]] bool open_partial(const std::string& path, bool restart, File& f, uint64_t& size,
                                std::string& err) {
    f.reset(std::fopen(path.c_str(), "abe"));
    if (f && ::flock(fileno(f.get()), LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        err = "another seedboot fetch is writing " + path;
        return false;
    }
    struct stat st;
    if (f && (!restart || ::ftruncate(fileno(f.get()), 0) == 0) &&
        ::fstat(fileno(f.get()), &st) == 0) {
        size = uint64_t(st.st_size);
        return true;
    }
    err = "cannot open " + path + ": " + std::strerror(errno);
    return false;
}

// "" when the partial file is the source; else what it is instead.
std::string verify_partial(const Job& j, std::optional<uint64_t> announced) {
    std::string hex, err;
    uint64_t size = 0;
    bool exists = false;
    if (!file_sha256(j.partial, hex, size, exists, err)) return err;
    if (hex == j.source.sha256) return "";
    std::string what = "sha256 " + hex + " (" + std::to_string(size) + " bytes";
    if (announced && *announced != size)
        what += "; the server announced " + std::to_string(*announced);
    return what + "), expected " + j.source.sha256;
}

enum class Verdict { ok, again, again_from_start, next_mirror, give_up };

Transfer transfer(const Job& j, const std::string& url, std::FILE* f, uint64_t offset) {
    ProgressLine line(j.log, j.label, j.options.live_progress);
    return http_get(
        url, f, offset, j.options.limits,
        [&](uint64_t done, std::optional<uint64_t> total) { line.update(done, total); });
}

// One mirror's turn so far: a start from scratch and resumes are each limited.
struct Turn {
    bool restarted = false;
    unsigned resumes = 0;
};

// What to do after a transfer that began at `offset`. A resumed file that comes out
// wrong may owe its head to an earlier transfer: it gets one more try from the start
// before the mirror is blamed; so does a file whose server ignored the Range.
Verdict judge(const Job& j, const std::string& url, const Transfer& t, uint64_t offset, Turn& turn,
              std::string& what) {
    using O = Transfer::Outcome;
    what = t.what;
    if (t.outcome == O::local) return Verdict::give_up;
    bool whole = t.outcome == O::complete || (t.outcome == O::range_refused && offset > 0);
    std::string wrong = whole ? verify_partial(j, t.total) : "";
    if (whole && wrong.empty()) return Verdict::ok;
    if ((whole ? offset > 0 : t.outcome == O::range_ignored) && !turn.restarted) {
        j.say(url + ": " + (whole ? "the resumed file is " + wrong : t.what) +
              "; fetching it again from the start");
        turn.restarted = true;
        return Verdict::again_from_start;
    }
    if (whole) {
        std::remove(j.partial.c_str());
        what = wrong + ": removed";
        return Verdict::next_mirror;
    }
    if (t.outcome == O::network && t.received > 0 && turn.resumes++ < j.options.resumes) {
        j.say(url + ": cut off after " + std::to_string(offset + t.received) + " bytes (" + t.what +
              "); resuming");
        return Verdict::again;
    }
    return Verdict::next_mirror;
}

// Downloads from `url` until the partial file is complete and right, or the mirror
// failed (`what` says how).
Verdict from_mirror(const Job& j, const std::string& url, std::string& what) {
    Turn turn;
    Verdict v = Verdict::again;
    while (v == Verdict::again || v == Verdict::again_from_start) {
        File f(nullptr, std::fclose);
        uint64_t offset = 0;
        if (!open_partial(j.partial, v == Verdict::again_from_start, f, offset, what))
            return Verdict::give_up;
        Transfer t = transfer(j, url, f.get(), offset);
        f.reset();
        v = judge(j, url, t, offset, turn, what);
    }
    return v;
}

[[nodiscard]] bool fsync_path(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

// Leaves DIR/.partial only while it holds bytes worth resuming.
void tidy_partial(const Job& j) {
    std::error_code ec;
    if (fs::exists(j.partial, ec) && fs::file_size(j.partial, ec) == 0) fs::remove(j.partial, ec);
    fs::path dir = fs::path(j.partial).parent_path();
    fs::remove(dir, ec); // each only once empty
    fs::remove(dir.parent_path(), ec);
}

// Moves the verified partial file into the fetch folder, durably.
[[nodiscard]] bool install(const Job& j, std::string& err) {
    std::string dir = fs::path(j.final_path).parent_path();
    if (fsync_path(j.partial) && std::rename(j.partial.c_str(), j.final_path.c_str()) == 0 &&
        fsync_path(dir)) {
        tidy_partial(j);
        return true;
    }
    err = "cannot move " + j.partial + " to " + j.final_path + ": " + std::strerror(errno);
    return false;
}

// Checks a copy already in the fetch folder: true if it is right (nothing to do).
// A wrong copy is removed; one that cannot be read is a failure (`err`).
[[nodiscard]] bool already_there(const Job& j, std::string& err) {
    std::string hex;
    uint64_t size = 0;
    bool exists = false;
    if (!file_sha256(j.final_path, hex, size, exists, err)) {
        if (!exists) err.clear();
        return false;
    }
    if (hex == j.source.sha256) return true;
    j.say("present but sha256 " + hex + ", expected " + j.source.sha256 + ": removed");
    if (std::remove(j.final_path.c_str()) != 0)
        err = "cannot remove " + j.final_path + ": " + std::strerror(errno);
    return false;
}

[[nodiscard]] bool make_dirs(const Job& j, std::string& err) {
    std::error_code ec;
    for (const std::string& p : {j.final_path, j.partial}) {
        fs::create_directories(fs::path(p).parent_path(), ec);
        if (ec) {
            err = "cannot create " + fs::path(p).parent_path().string() + ": " + ec.message();
            return false;
        }
    }
    return true;
}

void fetch_source(const Job& j, Report& report) {
    Unfetched u{j.package, j.source.file, j.source.sha256, {}};
    std::string err;
    if (already_there(j, err)) {
        j.say("present, sha256 ok");
        ++report.present;
        return;
    }
    if (!err.empty() || !make_dirs(j, err)) {
        u.tried.push_back({j.final_path, err});
        report.failed.push_back(u);
        return;
    }
    for (const std::string& url : j.source.mirrors) {
        j.say("from " + url);
        std::string what;
        Verdict v = from_mirror(j, url, what);
        if (v == Verdict::ok && install(j, what)) {
            j.say("ok, sha256 " + j.source.sha256);
            ++report.fetched;
            return;
        }
        j.say(url + ": " + what);
        u.tried.push_back({url, what});
        if (v != Verdict::next_mirror) break;
    }
    tidy_partial(j);
    report.failed.push_back(u);
}

} // namespace

void fetch_package(const stagex::Package& p, const std::string& dir,
                   const std::set<std::string>& only, const Options& options, std::ostream& log,
                   Report& report) {
    for (const auto& s : p.sources) {
        if (!only.empty() && !only.count(s.file)) continue;
        Job j{s,
              p.name,
              p.name + "/" + s.file,
              fetched_path(dir, p.name, s.file),
              partial_path(dir, p.name, s.file),
              options,
              log};
        fetch_source(j, report);
    }
}

std::string describe(const std::vector<Unfetched>& failed) {
    std::string s;
    for (const auto& u : failed) {
        s += "  " + u.package + "/" + u.file + " (sha256 " + u.sha256 + "):\n";
        for (const auto& m : u.tried) s += "    " + m.url + ": " + m.what + "\n";
    }
    return s;
}

} // namespace builder::fetch
