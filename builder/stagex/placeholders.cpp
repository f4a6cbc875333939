#include "placeholders.hpp"

namespace builder::stagex {

namespace {

std::string known_names(const Fields& fields) {
    std::string s;
    for (const auto& f : fields) s += (s.empty() ? "" : ", ") + f.name;
    return s;
}

// The value of the field named `name`, or an error naming what was expected.
[[nodiscard]] bool lookup(std::string_view name, const Fields& fields, std::string& out,
                          std::string& err) {
    for (const auto& f : fields) {
        if (f.name != name) continue;
        if (!f.missing.empty()) {
            err = "placeholder {" + f.name + "}: " + f.missing;
            return false;
        }
        out += f.value;
        return true;
    }
    if (name.empty() || name.find_first_of("!:.[]0123456789") == 0 ||
        name.find_first_of("!:.[") != std::string_view::npos)
        err = "placeholder {" + std::string(name) +
              "}: only plain {name} fields are supported (no positions, conversions or "
              "format specs)";
    else
        err =
            "unknown placeholder {" + std::string(name) + "} (known: " + known_names(fields) + ")";
    return false;
}

} // namespace

[[nodiscard]] bool expand(std::string_view text, const Fields& fields, std::string& out,
                          std::string& err) {
    out.clear();
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool doubled = i + 1 < text.size() && text[i + 1] == c;
        if ((c == '{' || c == '}') && doubled) {
            out += c;
            ++i;
        } else if (c == '}') {
            err = "a single '}' at offset " + std::to_string(i) + " (expected '}}' for a brace)";
            return false;
        } else if (c == '{') {
            size_t end = text.find_first_of("{}", i + 1);
            if (end == std::string_view::npos || text[end] != '}') {
                err = "'{' at offset " + std::to_string(i) + " opens no {name} field";
                return false;
            }
            if (!lookup(text.substr(i + 1, end - i - 1), fields, out, err)) return false;
            i = end;
        } else {
            out += c;
        }
    }
    return true;
}

std::string python_major_minor(const std::string& version) {
    size_t first = version.find('.');
    if (first == std::string::npos) return "None";
    return version.substr(0, version.find('.', first + 1));
}

Fields version_fields(const std::string& version, const std::string& no_version) {
    auto replaced = [&](char to) {
        std::string s = version;
        for (char& c : s)
            if (c == '.') c = to;
        return s;
    };
    if (version.empty()) {
        Fields f;
        for (const char* n : {"version", "version_under", "version_dash", "version_major",
                              "version_major_minor", "version_strip_suffix"})
            f.push_back({n, "", no_version});
        return f;
    }
    Field major_minor{"version_major_minor", python_major_minor(version), ""};
    if (version.find('.') == std::string::npos)
        major_minor.missing =
            "version '" + version + "' has no minor part (StageX would write None)";
    return {{"version", version, ""},
            {"version_under", replaced('_'), ""},
            {"version_dash", replaced('-'), ""},
            {"version_major", version.substr(0, version.find('.')), ""},
            major_minor,
            {"version_strip_suffix", version.substr(0, version.find('-')), ""}};
}

} // namespace builder::stagex
