// seedboot fetch PACKAGE.toml... --into DIR: StageX package.toml files -> their sources in the
// fetch folder (builder/stagex/fetch/fetch_dir.hpp), checked by sha256; or, with --list, what they
// name.
#include "command.hpp"

#include "builder/stagex/fetch/fetcher.hpp"
#include "builder/stagex/package_toml.hpp"

#include <unistd.h>

#include <iostream>
#include <set>
#include <vector>

namespace builder::cli {

namespace {

struct FetchArgs {
    std::vector<std::string> packages, only;
    std::string into;
    bool list = false;
    long connect_seconds = 30, stall_seconds = 60;
};

void list_package(const stagex::Package& p) {
    std::cout << "package " << p.name << " version " << (p.version.empty() ? "-" : p.version)
              << " platforms";
    for (const auto& pl : p.platforms) std::cout << " " << pl;
    std::cout << (p.platforms.empty() ? " -\n" : "\n");
    for (const auto& s : p.sources) {
        std::cout << "source " << s.name << " file " << s.file << " sha256 " << s.sha256 << "\n";
        for (const auto& m : s.mirrors) std::cout << "  mirror " << m << "\n";
    }
    for (const auto& a : p.build_args) std::cout << "arg " << a.name << "=" << a.value << "\n";
}

// Every --only name must be a source's file: a typo must not fetch nothing quietly.
[[nodiscard]] bool check_only(const std::vector<stagex::Package>& packages,
                              const std::vector<std::string>& only, std::string& err) {
    for (const auto& f : only) {
        bool found = false;
        for (const auto& p : packages) found = found || stagex::find_source(p, f);
        if (!found) {
            err = "--only " + f + ": no source of";
            for (const auto& p : packages) err += " " + p.path;
            err += " has that file (see `seedboot fetch --list`)";
            return false;
        }
    }
    return true;
}

[[nodiscard]] bool load_all(const FetchArgs& a, std::vector<stagex::Package>& packages,
                            std::string& err) {
    std::set<std::string> names;
    for (const auto& path : a.packages) {
        stagex::Package p;
        if (!stagex::load_package(path, p, err)) return false;
        if (!names.insert(p.name).second) {
            err = path + ": package '" + p.name +
                  "' is named twice (each package gets the folder DIR/NAME)";
            return false;
        }
        packages.push_back(std::move(p));
    }
    return check_only(packages, a.only, err);
}

int cmd_fetch(const FetchArgs& a) {
    std::vector<stagex::Package> packages;
    std::string err;
    if (!load_all(a, packages, err)) return error(err);
    if (a.list) {
        for (const auto& p : packages) list_package(p);
        return 0;
    }
    if (a.into.empty()) return error("fetch: --into DIR is required (the fetch folder)");
    fetch::Options o;
    o.limits.connect_seconds = a.connect_seconds;
    o.limits.stall_seconds = a.stall_seconds;
    o.live_progress = ::isatty(STDERR_FILENO);
    fetch::Report r;
    std::set<std::string> only(a.only.begin(), a.only.end());
    for (const auto& p : packages) fetch::fetch_package(p, a.into, only, o, std::cerr, r);
    size_t total = r.present + r.fetched + r.failed.size();
    std::cerr << "fetch: " << total << " sources: " << r.present << " already present, "
              << r.fetched << " fetched, " << r.failed.size() << " not fetched\n";
    if (r.failed.empty()) return 0;
    return error(std::to_string(r.failed.size()) + " of " + std::to_string(total) +
                 " sources could not be fetched into " + a.into + ":\n" +
                 fetch::describe(r.failed));
}

} // namespace

void register_fetch(CLI::App& app, Action& run) {
    auto [c, a] = add_command<FetchArgs>(
        app, run, "fetch",
        "download the sources of StageX package.toml files into DIR/<package>/, each mirror in "
        "turn, sha256 checked, partial files resumed",
        cmd_fetch);
    c->add_option("packages", a->packages, "StageX package.toml files")->required();
    c->add_option("--into", a->into, "the fetch folder (StageX's fetch/bootstrap)");
    c->add_option("--only", a->only, "fetch only these files (names as --list shows them)");
    c->add_flag("--list", a->list, "print the sources, mirrors and build arguments; fetch nothing");
    c->add_option("--connect-timeout", a->connect_seconds, "seconds to connect to a mirror")
        ->check(CLI::PositiveNumber);
    c->add_option("--stall-timeout", a->stall_seconds,
                  "seconds without data before a mirror counts as stalled")
        ->check(CLI::PositiveNumber);
}

} // namespace builder::cli
