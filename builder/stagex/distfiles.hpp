// live-bootstrap's steps/PKG/sources: which fetched files each package needs.
// StageX's stage 1 runs live-bootstrap package by package, so this is what tells
// which files a prefix of stage 1 (UNTIL=STEP) needs. Both spellings are read:
//   URL SHA256 [NAME]                      (older live-bootstrap, as StageX pins it)
//   f URL SHA256 [NAME] | g GIT SNAPSHOT SHA256 [NAME]
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace builder::stagex {

struct Distfile {
    std::string name; // the file name in the distfiles folder
    std::string url;
    std::string sha256;
};

[[nodiscard]] bool parse_sources(std::string_view text, const std::string& file,
                                 std::vector<Distfile>& out, std::string& err);

// A live-bootstrap steps/PKG/sources file, as read from its archive.
struct SourcesFile {
    std::string package; // PKG
    std::string path;    // where it was read, for messages
    std::string text;
};

// PKG -> the names of the files its steps/PKG/sources lists, each name once (a file with
// several mirrors is listed once per mirror).
[[nodiscard]] bool package_files(const std::vector<SourcesFile>& files,
                                 std::map<std::string, std::vector<std::string>>& out,
                                 std::string& err);

} // namespace builder::stagex
