#include "distfiles.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace builder::stagex {

namespace fs = std::filesystem;

bool parse_sources(std::string_view text, const std::string& file, std::vector<Distfile>& out,
                   std::string& err) {
    std::vector<Distfile> list;
    size_t n = 0;
    for (std::string_view line : seedboot::split_lines(text)) {
        ++n;
        auto w = seedboot::split_words(line);
        if (w.empty() || w[0][0] == '#') continue;
        size_t url = w[0] == "f" ? 1 : w[0] == "g" ? 2 : 0; // g: the snapshot URL is fetched
        if (w.size() < url + 2 || w.size() > url + 3 || !seedboot::is_sha256_hex(w[url + 1])) {
            err = seedboot::located(file, n,
                                    "'" + std::string(line) +
                                        "' (expected [f] URL SHA256 [NAME] or g GIT URL SHA256 "
                                        "[NAME])");
            return false;
        }
        Distfile d{"", std::string(w[url]), std::string(w[url + 1])};
        d.name = w.size() == url + 3 ? std::string(w[url + 2]) : d.url.substr(d.url.rfind('/') + 1);
        if (d.name.empty() || d.name == "." || d.name == ".." ||
            d.name.find('/') != std::string::npos) {
            err =
                seedboot::located(file, n, "file name '" + d.name + "' (expected a name, no '/')");
            return false;
        }
        list.push_back(std::move(d));
    }
    out = std::move(list);
    return true;
}

bool read_package_files(const std::string& steps,
                        std::map<std::string, std::vector<std::string>>& out, std::string& err) {
    std::error_code ec;
    std::map<std::string, std::vector<std::string>> found;
    for (fs::directory_iterator it(steps, ec), end; !ec && it != end; it.increment(ec)) {
        fs::path sources = it->path() / "sources";
        if (!fs::is_regular_file(sources)) continue;
        std::ifstream f(sources);
        std::stringstream text;
        text << f.rdbuf();
        std::vector<Distfile> list;
        if (!f || !parse_sources(text.str(), sources.string(), list, err)) {
            if (err.empty()) err = sources.string() + ": cannot read";
            return false;
        }
        auto& names = found[it->path().filename().string()];
        for (const auto& d : list) names.push_back(d.name);
    }
    if (ec) {
        err = steps + ": " + ec.message() + " (expected live-bootstrap's steps/ folder)";
        return false;
    }
    out = std::move(found);
    return true;
}

} // namespace builder::stagex
