#include "containerfile.hpp"

#include "libseedboot/format/text.hpp"

#include <algorithm>
#include <cctype>

namespace builder::stagex {

namespace {

struct Flagset {
    const char* keyword;
    std::vector<std::string> flags;
};

// The instructions and options StageX's four bootstrap stages use.
const std::vector<Flagset>& known() {
    static const std::vector<Flagset> k = {
        {"FROM", {"platform"}},
        {"ARG", {}},
        {"ENV", {}},
        {"WORKDIR", {}},
        {"SHELL", {}},
        {"RUN", {"network"}},
        {"COPY", {"from", "chmod"}},
        {"ADD", {"chmod"}},
    };
    return k;
}

const Flagset* find_keyword(const std::string& kw) {
    for (const auto& f : known())
        if (kw == f.keyword) return &f;
    return nullptr;
}

std::string_view trim(std::string_view s) {
    size_t b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    size_t e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

[[nodiscard]] bool is_comment_or_blank(std::string_view line) {
    std::string_view t = trim(line);
    return t.empty() || t[0] == '#';
}

std::string upper(std::string_view s) {
    std::string u(s);
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
}

struct Reader {
    std::vector<std::string_view> lines;
    size_t next = 0; // index of the next unread line
    const std::string& file;
    std::string& err;

    bool fail(size_t line, const std::string& what) {
        err = seedboot::located(file, line, what);
        return false;
    }
    bool done() const { return next >= lines.size(); }
    size_t number() const { return next; } // 1-based number of the line just read
};

// A directive such as `# escape=`` would change how every later line reads.
[[nodiscard]] bool check_directive(Reader& r, std::string_view line) {
    std::string_view t = trim(line.substr(line.find('#') + 1));
    if (!t.starts_with("escape")) return true;
    std::string_view v = trim(t.substr(6));
    if (!v.starts_with("=") || trim(v.substr(1)) == "\\") return true;
    return r.fail(r.number(), "parser directive '" + std::string(trim(line)) +
                                  "' (seedboot reads only the default escape character '\\')");
}

// Joins '\' continuations; comment and blank lines inside them are dropped, as BuildKit does.
[[nodiscard]] bool logical_line(Reader& r, std::string& out) {
    size_t start = r.number();
    for (;;) {
        std::string_view t = trim(out);
        if (t.empty() || t.back() != '\\') return true;
        out.resize(out.rfind('\\'));
        while (!r.done() && is_comment_or_blank(r.lines[r.next])) ++r.next;
        if (r.done())
            return r.fail(start, "a line continuation ('\\') runs into the end of the file");
        out += r.lines[r.next++];
    }
}

// "<<EOF", "<<-EOF", "<<'EOF'", "<<-\"EOF\"": the here-document words of a line.
[[nodiscard]] bool heredoc_word(std::string_view word, Heredoc& h, bool& chomp) {
    if (!word.starts_with("<<") || word.size() < 3) return false;
    std::string_view rest = word.substr(2);
    chomp = rest.starts_with("-");
    if (chomp) rest.remove_prefix(1);
    h.expand = true;
    if (rest.size() >= 2 && (rest.front() == '\'' || rest.front() == '"') &&
        rest.back() == rest.front()) {
        rest = rest.substr(1, rest.size() - 2);
        h.expand = false;
    }
    h.delimiter = rest;
    return !rest.empty() && std::all_of(rest.begin(), rest.end(),
                                        [](char c) { return std::isalnum(c) || c == '_'; });
}

std::string strip_tabs(std::string_view line, bool chomp) {
    size_t n = 0;
    if (chomp)
        while (n < line.size() && line[n] == '\t') ++n;
    return std::string(line.substr(n));
}

[[nodiscard]] bool read_heredoc(Reader& r, Instruction& ins) {
    Heredoc h;
    bool chomp = false;
    size_t found = 0;
    for (const auto& w : ins.args)
        if (w.starts_with("<<")) {
            ++found;
            if (!heredoc_word(w, h, chomp))
                return r.fail(ins.line, "here-document '" + w +
                                            "' (expected <<NAME, <<-NAME or a quoted NAME)");
        }
    if (found == 0) return true;
    if (found > 1) return r.fail(ins.line, "more than one here-document (seedboot reads one)");
    for (;;) {
        if (r.done())
            return r.fail(ins.line, "here-document <<" + h.delimiter + " has no closing line '" +
                                        h.delimiter + "'");
        std::string_view raw = r.lines[r.next++];
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        std::string line = strip_tabs(raw, chomp);
        if (line == h.delimiter) break;
        h.content += line + "\n";
    }
    ins.heredocs.push_back(std::move(h));
    return true;
}

[[nodiscard]] bool take_flags(Reader& r, const Flagset& fs, std::string_view& rest,
                              Instruction& ins) {
    while (rest.starts_with("--")) {
        size_t end = rest.find_first_of(" \t");
        std::string_view word = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : trim(rest.substr(end));
        size_t eq = word.find('=');
        std::string name(word.substr(2, eq == std::string_view::npos ? word.npos : eq - 2));
        if (std::find(fs.flags.begin(), fs.flags.end(), name) == fs.flags.end() ||
            eq == std::string_view::npos) {
            std::string allowed;
            for (const auto& f : fs.flags) allowed += (allowed.empty() ? "--" : ", --") + f + "=";
            return r.fail(ins.line, "option '" + std::string(word) + "' of " + ins.keyword +
                                        " (seedboot reads " +
                                        (allowed.empty() ? std::string("none") : allowed) + ")");
        }
        ins.flags.emplace_back(name, word.substr(eq + 1));
    }
    return true;
}

[[nodiscard]] bool read_instruction(Reader& r, std::string logical, Containerfile& out) {
    Instruction ins;
    ins.line = r.number();
    if (!logical_line(r, logical)) return false;
    std::string_view t = trim(logical);
    size_t sp = t.find_first_of(" \t");
    ins.keyword = upper(t.substr(0, sp));
    std::string_view rest = sp == std::string_view::npos ? std::string_view{} : trim(t.substr(sp));
    const Flagset* fs = find_keyword(ins.keyword);
    if (!fs)
        return r.fail(ins.line, "instruction '" + std::string(t.substr(0, sp)) +
                                    "' (seedboot reads FROM, ARG, ENV, WORKDIR, SHELL, RUN, COPY "
                                    "and ADD; anything else is refused rather than skipped)");
    if (!take_flags(r, *fs, rest, ins)) return false;
    ins.text = rest;
    if ((ins.keyword == "RUN" || ins.keyword == "SHELL") && rest.starts_with("["))
        ins.exec_form = parse_json_strings(rest, ins.args);
    if (!ins.exec_form) ins.args = split_raw_words(rest);
    if (ins.keyword == "SHELL" && !ins.exec_form)
        return r.fail(ins.line, "SHELL takes a JSON array of strings");
    if (ins.args.empty() && ins.keyword != "RUN")
        return r.fail(ins.line, ins.keyword + " has no arguments");
    bool heredocs = ins.keyword == "RUN" || ins.keyword == "COPY" || ins.keyword == "ADD";
    if (heredocs && !ins.exec_form && !read_heredoc(r, ins)) return false;
    if (ins.keyword == "RUN" && ins.args.empty()) return r.fail(ins.line, "RUN has no command");
    out.instructions.push_back(std::move(ins));
    return true;
}

// One \uXXXX escape (a surrogate pair takes two) as UTF-8.
[[nodiscard]] bool json_unicode(std::string_view s, size_t& i, std::string& out) {
    auto hex4 = [&](size_t at, uint64_t& v) {
        return at + 4 <= s.size() && seedboot::parse_u64(s.substr(at, 4), v, 16);
    };
    uint64_t cp = 0, lo = 0;
    if (!hex4(i + 1, cp)) return false;
    i += 4;
    if (cp >= 0xd800 && cp < 0xdc00) {
        if (s.substr(i + 1, 2) != "\\u" || !hex4(i + 3, lo) || lo < 0xdc00 || lo > 0xdfff)
            return false;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i += 6;
    }
    auto put = [&](uint64_t b) { out += static_cast<char>(b); };
    if (cp < 0x80) {
        put(cp);
    } else if (cp < 0x800) {
        put(0xc0 | (cp >> 6)), put(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        put(0xe0 | (cp >> 12)), put(0x80 | ((cp >> 6) & 0x3f)), put(0x80 | (cp & 0x3f));
    } else {
        put(0xf0 | (cp >> 18)), put(0x80 | ((cp >> 12) & 0x3f));
        put(0x80 | ((cp >> 6) & 0x3f)), put(0x80 | (cp & 0x3f));
    }
    return true;
}

[[nodiscard]] bool json_string(std::string_view s, size_t& i, std::string& out) {
    static const std::string_view from = "\"\\/bfnrt", to = "\"\\/\b\f\n\r\t";
    for (++i; i < s.size(); ++i) {
        char c = s[i];
        if (c == '"') return ++i, true;
        if (static_cast<unsigned char>(c) < 0x20) return false;
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i == s.size()) return false;
        size_t k = from.find(s[i]);
        if (k != std::string_view::npos)
            out += to[k];
        else if (s[i] != 'u' || !json_unicode(s, i, out))
            return false;
    }
    return false;
}

} // namespace

[[nodiscard]] bool parse_json_strings(std::string_view text, std::vector<std::string>& out) {
    std::vector<std::string> items;
    std::string_view s = trim(text);
    size_t i = 1;
    auto skip = [&] {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    };
    if (!s.starts_with("[") || !s.ends_with("]")) return false;
    skip();
    if (i < s.size() && s[i] == ']') return out.clear(), i + 1 == s.size();
    for (;;) {
        std::string item;
        if (i >= s.size() || s[i] != '"' || !json_string(s, i, item)) return false;
        items.push_back(std::move(item));
        skip();
        if (i < s.size() && s[i] == ']') break;
        if (i >= s.size() || s[i] != ',') return false;
        ++i;
        skip();
    }
    if (i + 1 != s.size()) return false;
    out = std::move(items);
    return true;
}

std::vector<std::string> split_raw_words(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (!quote && (c == ' ' || c == '\t')) {
            if (in_word) words.push_back(std::move(word)), word.clear();
            in_word = false;
            continue;
        }
        in_word = true;
        word += c;
        if (c == '\\' && quote != '\'' && i + 1 < text.size())
            word += text[++i];
        else if (!quote && (c == '\'' || c == '"'))
            quote = c;
        else if (c == quote)
            quote = 0;
    }
    if (in_word) words.push_back(std::move(word));
    return words;
}

[[nodiscard]] bool parse_containerfile(std::string_view text, const std::string& file,
                                       Containerfile& out, std::string& err) {
    Containerfile cf;
    cf.file = file;
    Reader r{seedboot::split_lines(text), 0, file, err};
    while (!r.done()) {
        std::string_view line = r.lines[r.next++];
        if (is_comment_or_blank(line)) {
            if (trim(line).starts_with("#") && !check_directive(r, line)) return false;
            continue;
        }
        if (!read_instruction(r, std::string(line), cf)) return false;
    }
    auto first = std::find_if(cf.instructions.begin(), cf.instructions.end(),
                              [](const Instruction& i) { return i.keyword != "ARG"; });
    if (first == cf.instructions.end() || first->keyword != "FROM") {
        size_t at = first == cf.instructions.end() ? r.lines.size() : first->line;
        err = seedboot::located(file, at, "expected FROM (after any global ARGs)");
        return false;
    }
    out = std::move(cf);
    return true;
}

} // namespace builder::stagex
