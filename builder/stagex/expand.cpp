#include "expand.hpp"

#include <cctype>

namespace builder::stagex {

namespace {

[[nodiscard]] bool name_char(char c, bool first) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
           (!first && std::isdigit(static_cast<unsigned char>(c)));
}

const std::string* lookup(const Vars& vars, const std::string& name) {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : &it->second;
}

struct Expander {
    std::string_view s;
    const Vars& vars;
    std::string& err;
    bool raw; // here-document content: quotes are text
    size_t i = 0;

    bool fail(const std::string& what) {
        err = what + " in '" + std::string(s) + "'";
        return false;
    }

    // ${NAME...}: i is at '{'.
    bool braced(std::string& out) {
        size_t close = s.find('}', i);
        if (close == std::string_view::npos) return fail("'${' without '}'");
        std::string_view body = s.substr(i + 1, close - i - 1);
        i = close + 1;
        size_t n = 0;
        while (n < body.size() && name_char(body[n], n == 0)) ++n;
        if (n == 0) return fail("'${" + std::string(body) + "}' names no variable");
        const std::string* v = lookup(vars, std::string(body.substr(0, n)));
        std::string_view op = body.substr(n);
        if (op.empty()) return out += v ? *v : "", true;
        bool colon = op.starts_with(":");
        if (colon) op.remove_prefix(1);
        if (op.empty() || (op[0] != '-' && op[0] != '+'))
            return fail("'${" + std::string(body) +
                        "}' (seedboot expands ${NAME}, ${NAME:-word} and ${NAME:+word})");
        bool set = v && (!colon || !v->empty());
        std::string word;
        if (!expand_word(op.substr(1), vars, word, err)) return false;
        if (op[0] == '-')
            out += set ? *v : word;
        else
            out += set ? word : "";
        return true;
    }

    bool dollar(std::string& out) {
        ++i; // past '$'
        if (i < s.size() && s[i] == '{') return braced(out);
        size_t start = i;
        while (i < s.size() && name_char(s[i], i == start)) ++i;
        if (i == start) return out += '$', true;
        const std::string* v = lookup(vars, std::string(s.substr(start, i - start)));
        if (v) out += *v;
        return true;
    }

    bool run(std::string& out) {
        char quote = 0;
        while (i < s.size()) {
            char c = s[i];
            if (c == '$' && quote != '\'') {
                if (!dollar(out)) return false;
                continue;
            }
            ++i;
            if (raw) {
                if (c == '\\' && i < s.size() && s[i] == '$') c = s[i++];
                out += c;
            } else if (quote == '\'') {
                if (c == '\'')
                    quote = 0;
                else
                    out += c;
            } else if (c == '\\' && i < s.size()) {
                // in double quotes only \" \\ \$ are escapes; elsewhere any character
                if (quote == '"' && s[i] != '"' && s[i] != '\\' && s[i] != '$') out += c;
                out += s[i++];
            } else if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            } else {
                out += c;
            }
        }
        return quote == 0 || fail(std::string("unterminated ") + quote + " quote");
    }
};

} // namespace

[[nodiscard]] bool expand_word(std::string_view word, const Vars& vars, std::string& out,
                               std::string& err) {
    out.clear();
    return Expander{word, vars, err, false}.run(out);
}

[[nodiscard]] bool expand_raw(std::string_view text, const Vars& vars, std::string& out,
                              std::string& err) {
    out.clear();
    return Expander{text, vars, err, true}.run(out);
}

} // namespace builder::stagex
