#include "package_toml.hpp"

#include "placeholders.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/sys/sha256.hpp"

#include "builder/spec/toml_file.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace builder::stagex {

namespace {

const std::set<std::string> kPackageKeys = {"name",    "version", "platforms",
                                            "license", "website", "description"};
const std::set<std::string> kSourceKeys = {"hash",    "mirrors", "file",
                                           "version", "format",  "git_sha"};
// Keys StageX knows that need more than one package.toml: refused, never ignored.
const std::map<std::string, std::string> kRefusedPackageKeys = {
    {"version_from", "takes the version of another package (seedboot reads one package.toml "
                     "at a time)"},
    {"subpackages", "builds several targets from one Containerfile (not supported)"},
};

std::string joined(const std::set<std::string>& keys) {
    std::string s;
    for (const auto& k : keys) s += (s.empty() ? "" : ", ") + k;
    return s;
}

[[nodiscard]] bool has_control(const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < ' ' || c == 127; });
}

// A name a file system holds as one entry: what the fetch folder may contain.
[[nodiscard]] bool is_plain_file_name(const std::string& s) {
    return !s.empty() && s.size() <= 255 && s != "." && s != ".." &&
           s.find('/') == std::string::npos && s.find(' ') == std::string::npos && !has_control(s);
}

// Python's urlsplit(url).path.split("/")[-1]: StageX's default file name.
std::string url_file(const std::string& url) {
    size_t scheme = url.find("://");
    size_t start = scheme == std::string::npos ? 0 : url.find_first_of("/?#", scheme + 3);
    if (start == std::string::npos) return "";
    size_t end = url.find_first_of("?#", start);
    std::string path = url.substr(start, end == std::string::npos ? end : end - start);
    return path.substr(path.rfind('/') + 1); // rfind's npos + 1 is 0: the whole path
}

std::string field(const Fields& fields, const char* name) {
    for (const auto& f : fields)
        if (f.name == name) return f.value;
    return "";
}

std::string upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    return s;
}

struct Reader {
    const std::string& path;
    std::string& err;

    bool fail(const toml::node& at, const std::string& what) {
        err = seedboot::located(path, at.source().begin.line, what);
        return false;
    }

    bool known_keys(const toml::table& t, const std::string& where,
                    const std::set<std::string>& keys) {
        for (const auto& [k, v] : t) {
            std::string key(k.str());
            if (where == "[package]" && kRefusedPackageKeys.count(key))
                return fail(v, "[package] " + key + ": " + kRefusedPackageKeys.at(key));
            if (!keys.count(key))
                return fail(v, "unknown key '" + key + "' in " + where + " (expected " +
                                   joined(keys) + ")");
        }
        return true;
    }

    bool string(const toml::table& t, const std::string& where, const char* key, std::string& out,
                const char* expected) {
        const toml::node* n = t.get(key);
        if (!n)
            return !expected || fail(t, where + ": missing key '" + key + "' (" + expected + ")");
        if (!n->is_string()) return fail(*n, where + " " + key + ": expected a string");
        out = n->as_string()->get();
        if (has_control(out)) return fail(*n, where + " " + key + ": contains a control character");
        return true;
    }

    bool strings(const toml::table& t, const std::string& where, const char* key,
                 std::vector<std::string>& out, const char* expected) {
        const toml::node* n = t.get(key);
        if (!n)
            return !expected || fail(t, where + ": missing key '" + key + "' (" + expected + ")");
        const toml::array* a = n->as_array();
        if (!a) return fail(*n, where + " " + key + ": expected an array of strings");
        out.clear();
        for (const auto& e : *a) {
            if (!e.is_string()) return fail(e, where + " " + key + ": expected only strings");
            out.push_back(e.as_string()->get());
            if (has_control(out.back()))
                return fail(e, where + " " + key + ": contains a control character");
        }
        return true;
    }
};

[[nodiscard]] bool read_package(Reader& r, const toml::table& root, Package& p) {
    for (const auto& [k, v] : root)
        if (k.str() != "package" && k.str() != "sources")
            return r.fail(v, "unknown table [" + std::string(k.str()) +
                                 "] (expected [package] and [sources.NAME])");
    const toml::table* t = root["package"].as_table();
    if (!t) return r.fail(root, "missing table [package] (expected name, version, platforms)");
    if (!r.known_keys(*t, "[package]", kPackageKeys)) return false;
    if (!r.string(*t, "[package]", "name", p.name, "the package's name")) return false;
    if (!seedboot::is_clean_name(p.name) || p.name[0] == '.')
        return r.fail(*t->get("name"), "[package] name '" + p.name +
                                           "': expected 1-64 of [A-Za-z0-9._+-], not "
                                           "starting with '.' (it names the fetch folder)");
    return r.string(*t, "[package]", "version", p.version, nullptr) &&
           r.strings(*t, "[package]", "platforms", p.platforms, nullptr);
}

// fetch.py's file name: `file`, else the last path part of the (first) mirror,
// expanded with the source's version fields and format.
[[nodiscard]] bool resolve_file(Reader& r, const toml::table& t, const std::string& where,
                                const Fields& fields, const std::string& raw_mirror, Source& s) {
    const toml::node* at = t.get("file") ? t.get("file") : &t;
    std::string raw = s.file.empty() ? url_file(raw_mirror) : s.file;
    if (raw.empty())
        return r.fail(*t.get("mirrors"), where + " has no file and its first mirror's path names "
                                                 "none (expected file = \"NAME\")");
    std::string why;
    if (!expand(raw, fields, s.file, why))
        return r.fail(*at, where + " file '" + raw + "': " + why);
    if (!is_plain_file_name(s.file))
        return r.fail(*at, where + " file '" + s.file +
                               "': expected a plain file name (no '/', space or control "
                               "character, not . or ..)");
    return true;
}

[[nodiscard]] bool expand_mirrors(Reader& r, const toml::table& t, const std::string& where,
                                  Fields fields, Source& s) {
    fields.push_back({"file", s.file, ""});
    const toml::array& raw = *t.get("mirrors")->as_array();
    for (size_t i = 0; i < s.mirrors.size(); ++i) {
        std::string url, why, name = where + " mirrors[" + std::to_string(i) + "]";
        if (!expand(s.mirrors[i], fields, url, why))
            return r.fail(raw[i], name + " '" + s.mirrors[i] + "': " + why);
        bool http = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
        if (!http || url.find(' ') != std::string::npos)
            return r.fail(raw[i], name + " '" + url +
                                      "': expected an http:// or https:// URL "
                                      "without spaces");
        s.mirrors[i] = url;
    }
    return true;
}

[[nodiscard]] bool read_source(Reader& r, const Package& p, const std::string& name,
                               const toml::node& node, Source& s) {
    std::string where = "[sources." + name + "]";
    const toml::table* t = node.as_table();
    if (!t) return r.fail(node, where + ": expected a table");
    s.name = name;
    s.line = node.source().begin.line;
    bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '-';
    });
    if (!word)
        return r.fail(node, where + ": expected a name of letters, digits, '_' and '-' "
                                    "(it names the build arguments NAME_VERSION, NAME_SOURCE)");
    if (!r.known_keys(*t, where, kSourceKeys) ||
        !r.string(*t, where, "hash", s.sha256, "the file's sha256, 64 lower-case hex digits") ||
        !r.strings(*t, where, "mirrors", s.mirrors, "an array of URLs") ||
        !r.string(*t, where, "file", s.file, nullptr) ||
        !r.string(*t, where, "version", s.version, nullptr) ||
        !r.string(*t, where, "format", s.format, nullptr) ||
        !r.string(*t, where, "git_sha", s.git_sha, nullptr))
        return false;
    if (!seedboot::is_sha256_hex(s.sha256))
        return r.fail(*t->get("hash"), where + " hash '" + s.sha256 +
                                           "': expected 64 lower-case hex digits (sha256)");
    if (s.mirrors.empty())
        return r.fail(*t->get("mirrors"), where + " mirrors: empty (expected at least one URL)");
    s.own_version = !s.version.empty();
    if (!s.own_version) s.version = p.version;
    Fields fields = version_fields(s.version, "neither " + where + " nor [package] has a version");
    fields.push_back({"format", s.format, ""});
    return resolve_file(r, *t, where, fields, s.mirrors[0], s) &&
           expand_mirrors(r, *t, where, fields, s);
}

// StageX's sources table as written, in the file's order (toml++ keeps keys sorted).
std::vector<std::pair<std::string, const toml::node*>> sources_in_order(const toml::table& root) {
    std::vector<std::pair<std::string, const toml::node*>> out;
    if (const toml::table* t = root["sources"].as_table())
        for (const auto& [k, v] : *t) out.emplace_back(std::string(k.str()), &v);
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        const auto &x = a.second->source().begin, &y = b.second->source().begin;
        return x.line != y.line ? x.line < y.line : x.column < y.column;
    });
    return out;
}

// targets.py's NAME_SOURCE: the file template expanded with the source's own version
// but the *package's* version_dash and version_under, and no other version field.
// It is what StageX passes, even where it differs from the file fetch.py names.
[[nodiscard]] bool stagex_source_arg(Reader& r, const toml::table& t, const Package& p,
                                     const Source& s, const std::string& raw_file,
                                     const std::string& raw_mirror, std::string& out) {
    Fields pkg = version_fields(p.version, "");
    Fields fields = {{"version", s.version, ""},
                     {"version_dash", field(pkg, "version_dash"), ""},
                     {"version_under", field(pkg, "version_under"), ""},
                     {"format", s.format, ""}};
    std::string raw = raw_file.empty() ? url_file(raw_mirror) : raw_file, why;
    if (expand(raw, fields, out, why)) return true;
    const toml::node* at = t.get("file") ? t.get("file") : &t;
    return r.fail(*at, "[sources." + s.name + "] file '" + raw +
                           "': StageX's build cannot name it for " + upper(s.name) +
                           "_SOURCE: " + why);
}

void package_args(const Package& p, std::vector<BuildArg>& args) {
    args.push_back({"SOURCE_DATE_EPOCH", "1"});
    if (p.version.empty()) return;
    Fields f = version_fields(p.version, "");
    args.push_back({"VERSION", p.version});
    args.push_back({"VERSION_UNDER", field(f, "version_under")});
    args.push_back({"VERSION_DASH", field(f, "version_dash")});
    args.push_back({"VERSION_MAJOR", field(f, "version_major")});
    args.push_back({"VERSION_MAJOR_MINOR", python_major_minor(p.version)});
    args.push_back({"VERSION_STRIP_SUFFIX", field(f, "version_strip_suffix")});
}

[[nodiscard]] bool read_sources(Reader& r, const toml::table& root, Package& p) {
    package_args(p, p.build_args);
    std::map<std::string, size_t> file_lines;
    for (const auto& [name, node] : sources_in_order(root)) {
        Source s;
        if (!read_source(r, p, name, *node, s)) return false;
        auto [it, fresh] = file_lines.emplace(s.file, s.line);
        if (!fresh)
            return r.fail(*node, "[sources." + name + "] file '" + s.file +
                                     "' is also the file of the source at line " +
                                     std::to_string(it->second) + " (expected one file each)");
        const toml::table& t = *node->as_table();
        std::string arg = upper(name), source_file;
        if (s.own_version) {
            std::string raw_file = t["file"].value_or(std::string()),
                        raw_mirror = *t["mirrors"][0].value<std::string>();
            if (!stagex_source_arg(r, t, p, s, raw_file, raw_mirror, source_file)) return false;
            p.build_args.push_back({arg + "_VERSION", s.version});
            p.build_args.push_back({arg + "_SOURCE", source_file});
        }
        if (!s.git_sha.empty()) p.build_args.push_back({arg + "_GIT_SHA", s.git_sha});
        p.sources.push_back(std::move(s));
    }
    return true;
}

} // namespace

[[nodiscard]] bool load_package(const std::string& path, Package& out, std::string& err) {
    std::error_code ec;
    auto type = std::filesystem::status(path, ec).type();
    if (type != std::filesystem::file_type::regular || !std::ifstream(path)) {
        err = path + ": " +
              (type == std::filesystem::file_type::not_found ? "no such file"
               : type != std::filesystem::file_type::regular ? "not a regular file"
                                                             : "cannot read") +
              " (expected a StageX package.toml)";
        return false;
    }
    toml::parse_result parsed;
    if (!parse_toml_file(path, parsed, err)) return false;
    Package p;
    p.path = path;
    Reader r{path, err};
    if (!read_package(r, parsed.table(), p) || !read_sources(r, parsed.table(), p)) return false;
    out = std::move(p);
    return true;
}

const Source* find_source(const Package& p, const std::string& file) {
    for (const auto& s : p.sources)
        if (s.file == file) return &s;
    return nullptr;
}

} // namespace builder::stagex
