#include "distfiles.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <algorithm>

namespace builder::stagex {

[[nodiscard]] bool parse_sources(std::string_view text, const std::string& file,
                                 std::vector<Distfile>& out, std::string& err) {
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

[[nodiscard]] bool package_files(const std::vector<SourcesFile>& files,
                                 std::map<std::string, std::vector<std::string>>& out,
                                 std::string& err) {
    std::map<std::string, std::vector<std::string>> found;
    for (const auto& f : files) {
        std::vector<Distfile> list;
        if (!parse_sources(f.text, f.path, list, err)) return false;
        auto& names = found[f.package];
        for (const auto& d : list)
            if (std::find(names.begin(), names.end(), d.name) == names.end())
                names.push_back(d.name);
    }
    out = std::move(found);
    return true;
}

} // namespace builder::stagex
