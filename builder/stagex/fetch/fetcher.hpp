// seedboot fetch: downloads the sources a StageX package.toml names into the fetch
// folder (fetch_dir.hpp), as StageX's own fetch does (each mirror in turn, sha256
// checked) and more carefully: a download goes to a partial file that a cut-off or
// a later run resumes (HTTP Range); a file with the wrong hash is never kept (the
// mirror that gave it is named, the next one tried); a file already there with the
// right hash is not downloaded again; time limits mean a stalled server costs
// seconds, not a hang; and what could not be fetched ends up in one list.
#pragma once

#include "builder/fetch/http_get.hpp"
#include "builder/stagex/package_toml.hpp"

#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace builder::fetch {

struct Options {
    TransferLimits limits;
    // Transfers per mirror after one was cut off having brought bytes (resumed from
    // there); a transfer that brings nothing ends the mirror's turn.
    unsigned resumes = 5;
    bool live_progress = false; // a progress line (on a terminal)
};

struct MirrorFailure {
    std::string url, what;
};

// A source that could not be fetched, and why at each URL it tried.
struct Unfetched {
    std::string package, file, sha256;
    std::vector<MirrorFailure> tried;
};

struct Report {
    unsigned present = 0, fetched = 0; // already right / downloaded and right
    std::vector<Unfetched> failed;
};

// Fetches the sources of `p` into DIR/<p.name>/ (only those whose file is in
// `only`, when it is not empty). One line per event goes to `log`.
void fetch_package(const stagex::Package& p, const std::string& dir,
                   const std::set<std::string>& only, const Options& options, std::ostream& log,
                   Report& report);

// The list of what could not be fetched: a line per file, then a line per URL tried.
std::string describe(const std::vector<Unfetched>& failed);

} // namespace builder::fetch
