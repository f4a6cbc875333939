#include "recipe.hpp"

#include "libseedboot/format/text.hpp"

#include <algorithm>
#include <set>

namespace builder::stagex {

namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The environment of a build stage, in the order BuildKit's state keeps it.
struct Env {
    Vars vars;
    std::vector<std::string> order;
    void set(const std::string& k, const std::string& v) {
        if (!vars.count(k)) order.push_back(k);
        vars[k] = v;
    }
    std::vector<std::string> list() const {
        std::vector<std::string> out;
        for (const auto& k : order) out.push_back(k + "=" + vars.at(k));
        return out;
    }
};

// What a stage hands to a stage built FROM it: its ENV and, as BuildKit does, its ARGs
// (StageX's stage 1 declares its *_SOURCE ARGs in `base` and uses them in `FROM base` stages).
struct StageState {
    Env env;       // ENV and ARGs: what words expand with and RUN sees
    Env image_env; // ENV only
    std::string workdir = "/";
    std::vector<std::string> shell = {"/bin/sh", "-c"};
};

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// "/a/b" + "c/../d" -> "/a/b/d"
std::string join_path(const std::string& base, const std::string& rel) {
    std::string in = rel.starts_with("/") ? rel : base + "/" + rel;
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= in.size()) {
        size_t end = in.find('/', i);
        if (end == std::string::npos) end = in.size();
        std::string c = in.substr(i, end - i);
        if (c == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!c.empty() && c != ".") {
            parts.push_back(c);
        }
        i = end + 1;
    }
    std::string out;
    for (const auto& p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
}

struct Reader {
    const Containerfile& cf;
    const BuildInput& in;
    std::string& err;
    Vars global_args;
    Recipe r;
    std::vector<StageState> states;
    const Instruction* ins = nullptr;

    bool fail(const std::string& what) {
        err = seedboot::located(cf.file, ins ? ins->line : 0, what);
        return false;
    }
    StageState& cur() { return states.back(); }
    size_t stage_index() const { return r.stages.size() - 1; }

    bool expand(const std::string& word, const Vars& vars, std::string& out) {
        std::string why;
        return expand_word(word, vars, out, why) || fail(why);
    }

    int find_stage(const std::string& name) const {
        for (size_t i = 0; i < r.stages.size(); ++i)
            if (r.stages[i].name == lower(name)) return static_cast<int>(i);
        return -1;
    }

    void platform_args() {
        std::string p = in.platform;
        std::string os = p.substr(0, p.find('/'));
        std::string arch = p.substr(p.find('/') + 1);
        for (const char* side : {"TARGET", "BUILD"}) {
            std::string s = side;
            global_args[s + "PLATFORM"] = p;
            global_args[s + "OS"] = os;
            global_args[s + "ARCH"] = arch.substr(0, arch.find('/'));
            global_args[s + "VARIANT"] =
                arch.find('/') == std::string::npos ? "" : arch.substr(arch.find('/') + 1);
        }
    }

    bool from() {
        std::string image, as, platform = in.platform;
        const auto& a = ins->args;
        if (!(a.size() == 1 || (a.size() == 3 && lower(a[1]) == "as")))
            return fail("FROM takes IMAGE [AS NAME]");
        if (!expand(a[0], global_args, image)) return false;
        for (const auto& [k, v] : ins->flags)
            if (k == "platform" && !expand(v, global_args, platform)) return false;
        BuildStage st{
            a.size() == 3 ? lower(a[2]) : std::to_string(r.stages.size()), {}, platform, ins->line};
        if (find_stage(st.name) >= 0) return fail("stage name '" + st.name + "' is used twice");
        StageState state;
        int base = find_stage(image);
        if (image == "scratch") {
            st.base.kind = Base::Kind::scratch;
        } else if (base >= 0) {
            st.base = {Base::Kind::stage, r.stages[static_cast<size_t>(base)].name};
            // BuildKit runs it on its base's platform, whatever FROM's --platform says
            // (StageX's stage 3: `FROM base` stages run on base's linux/386).
            st.platform = r.stages[static_cast<size_t>(base)].platform;
            const StageState& b = states[static_cast<size_t>(base)];
            state.image_env = b.image_env;
            state.env = b.env;
            state.workdir = b.workdir;
            state.shell = b.shell;
        } else if (image.starts_with("stagex/bootstrap-stage")) {
            st.base = {Base::Kind::image, image};
        } else {
            return fail("FROM " + image +
                        ": seedboot bases a stage on scratch, an earlier stage, or "
                        "stagex/bootstrap-stageN (the output of our own earlier stage)");
        }
        if (!state.image_env.vars.count("PATH")) state.image_env.set("PATH", kDefaultPath);
        if (st.base.kind != Base::Kind::stage) state.env = state.image_env;
        r.stages.push_back(std::move(st));
        states.push_back(std::move(state));
        r.actions.push_back({Action::Kind::start, ins->line, "FROM", stage_index()});
        return true;
    }

    bool arg() {
        for (const auto& word : ins->args) {
            size_t eq = word.find('=');
            std::string name = word.substr(0, eq), value;
            bool has_value = eq != std::string::npos;
            if (has_value &&
                !expand(word.substr(eq + 1), states.empty() ? global_args : cur().env.vars, value))
                return false;
            if (auto it = in.args.find(name); it != in.args.end()) {
                value = it->second, has_value = true;
            } else if (!has_value && global_args.count(name)) {
                value = global_args[name], has_value = true;
            }
            if (states.empty()) {
                if (has_value) global_args[name] = value;
            } else if (has_value) {
                cur().env.set(name, value);
            }
        }
        return true;
    }

    bool env() {
        const auto& a = ins->args;
        std::vector<std::pair<std::string, std::string>> pairs;
        if (a[0].find('=') == std::string::npos) { // legacy "ENV NAME value with spaces"
            std::string rest = ins->text.substr(ins->text.find(a[0]) + a[0].size());
            rest.erase(0, rest.find_first_not_of(" \t"));
            pairs.emplace_back(a[0], rest);
        } else {
            for (const auto& w : a) {
                size_t eq = w.find('=');
                if (eq == std::string::npos || eq == 0)
                    return fail("ENV '" + w + "' is not NAME=VALUE");
                pairs.emplace_back(w.substr(0, eq), w.substr(eq + 1));
            }
        }
        Vars before = cur().env.vars; // one ENV line expands with the environment before it
        for (const auto& [k, v] : pairs) {
            std::string key, value;
            if (!expand(k, before, key) || !expand(v, before, value)) return false;
            cur().env.set(key, value);
            cur().image_env.set(key, value);
        }
        return true;
    }

    bool workdir() {
        std::string dir;
        if (ins->args.size() != 1) return fail("WORKDIR takes one path");
        if (!expand(ins->args[0], cur().env.vars, dir)) return false;
        cur().workdir = join_path(cur().workdir, dir);
        Action a{Action::Kind::mkdir, ins->line, "WORKDIR", stage_index()};
        a.dest = cur().workdir;
        r.actions.push_back(std::move(a));
        return true;
    }

    bool run() {
        Action a{Action::Kind::run, ins->line, "RUN", stage_index()};
        for (const auto& [k, v] : ins->flags)
            if (k == "network" && v != "none" && v != "default")
                return fail("RUN --network=" + v + " (the guest has no network: none or default)");
        if (ins->exec_form) {
            a.argv = ins->args;
        } else {
            a.argv = cur().shell;
            if (ins->heredocs.empty()) {
                a.argv.push_back(ins->text);
            } else if (ins->args.size() == 1) { // the whole command is the here-document
                if (ins->heredocs[0].content.starts_with("#!"))
                    return fail("a RUN here-document with a #! line (StageX uses none; refused)");
                a.argv.push_back(ins->heredocs[0].content);
            } else { // `RUN cmd <<EOF`: the shell reads the document itself
                const Heredoc& h = ins->heredocs[0];
                a.argv.push_back(ins->text + "\n" + h.content + h.delimiter);
            }
        }
        a.env = cur().env.list();
        a.cwd = cur().workdir;
        r.actions.push_back(std::move(a));
        return true;
    }

    bool origin(const std::string& from, Origin& o) {
        std::string name;
        if (!expand(from, cur().env.vars, name)) return false;
        int st = find_stage(name);
        if (st >= 0 && static_cast<size_t>(st) < stage_index())
            o = {Origin::Kind::stage, r.stages[static_cast<size_t>(st)].name};
        else if (name == "fetch")
            o = {Origin::Kind::fetch, ""};
        else if (name.starts_with("stagex/bootstrap-stage"))
            o = {Origin::Kind::image, name};
        else
            return fail("COPY --from=" + name +
                        " (expected an earlier stage, fetch, or stagex/bootstrap-stageN)");
        return true;
    }

    bool copy() {
        Action a{Action::Kind::copy, ins->line, ins->keyword, stage_index()};
        bool add = ins->keyword == "ADD";
        for (const auto& [k, v] : ins->flags) {
            if (k == "from" && !origin(v, a.origin)) return false;
            if (k == "chmod") {
                if (v.empty() || v.size() > 4 || v.find_first_not_of("01234567") != v.npos)
                    return fail("--chmod=" + v + " (expected octal digits such as 755)");
                a.chmod = v;
            }
        }
        std::vector<std::string> words;
        for (const auto& w : ins->args)
            if (!w.starts_with("<<")) words.push_back(w);
        if (words.empty()) return fail(ins->keyword + " needs a destination");
        size_t n_sources = words.size() - 1;
        if (!ins->heredocs.empty()) {
            if (n_sources != 0)
                return fail(ins->keyword + " with a here-document takes only a destination");
            const Heredoc& h = ins->heredocs[0];
            std::string why;
            a.origin = {Origin::Kind::heredoc, ""};
            a.content = h.content;
            if (h.expand && !expand_raw(h.content, cur().env.vars, a.content, why))
                return fail(why);
        } else if (n_sources == 0) {
            return fail(ins->keyword + " needs a source and a destination");
        }
        for (size_t i = 0; i < words.size(); ++i) {
            std::string w;
            if (!expand(words[i], cur().env.vars, w)) return false;
            if (i + 1 < words.size())
                a.sources.push_back(w);
            else
                a.dest = w;
        }
        // A relative destination is below WORKDIR; a trailing '/' (a folder) is kept.
        bool dir = a.dest.ends_with("/") || a.dest == "." || n_sources > 1;
        std::string joined = join_path(cur().workdir, a.dest);
        a.dest = dir && joined != "/" ? joined + "/" : joined;
        if (add) {
            for (auto& s : a.sources) {
                if (s.starts_with("http://") || s.starts_with("https://"))
                    return fail("ADD " + s + ": no downloads during a build (fetch it first)");
                if (s.starts_with("fetch/")) a.origin = {Origin::Kind::fetch, ""}, s.erase(0, 6);
            }
            static const char* kArchives[] = {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"};
            a.extract = a.origin.kind == Origin::Kind::fetch &&
                        std::all_of(a.sources.begin(), a.sources.end(), [](const std::string& s) {
                            return std::any_of(std::begin(kArchives), std::end(kArchives),
                                               [&](const char* e) { return s.ends_with(e); });
                        });
        }
        r.actions.push_back(std::move(a));
        return true;
    }

    bool shell() {
        cur().shell = ins->args;
        return !ins->args.empty() || fail("SHELL needs at least the shell program");
    }

    bool dispatch() {
        const std::string& k = ins->keyword;
        if (k == "FROM") return from();
        if (k == "ARG") return arg();
        if (states.empty()) return fail(k + " before the first FROM");
        if (k == "ENV") return env();
        if (k == "WORKDIR") return workdir();
        if (k == "SHELL") return shell();
        if (k == "RUN") return run();
        return copy(); // COPY, ADD: the reader knows no other keyword
    }

    // BuildKit builds only what the last stage needs.
    void prune() {
        std::set<std::string> need = {r.stages.back().name};
        for (size_t i = r.stages.size(); i-- > 0;) {
            if (!need.count(r.stages[i].name)) continue;
            if (r.stages[i].base.kind == Base::Kind::stage) need.insert(r.stages[i].base.name);
            for (const auto& a : r.actions)
                if (a.stage == i && a.kind == Action::Kind::copy &&
                    a.origin.kind == Origin::Kind::stage)
                    need.insert(a.origin.name);
        }
        std::vector<size_t> renumber(r.stages.size(), 0);
        std::vector<BuildStage> kept;
        for (size_t i = 0; i < r.stages.size(); ++i)
            if (need.count(r.stages[i].name))
                renumber[i] = kept.size(), kept.push_back(r.stages[i]);
        std::vector<Action> acts;
        for (auto& a : r.actions)
            if (need.count(r.stages[a.stage].name)) a.stage = renumber[a.stage], acts.push_back(a);
        r.stages = std::move(kept);
        r.actions = std::move(acts);
    }
};

} // namespace

[[nodiscard]] bool read_recipe(const Containerfile& cf, const BuildInput& in, Recipe& out,
                               std::string& err) {
    Reader rd{cf, in, err, {}, {}, {}};
    rd.r.file = cf.file;
    rd.platform_args();
    for (const auto& ins : cf.instructions) {
        rd.ins = &ins;
        if (!rd.dispatch()) return false;
    }
    if (rd.r.stages.empty()) {
        rd.ins = nullptr;
        return rd.fail("no build stage (expected FROM)");
    }
    rd.prune();
    out = std::move(rd.r);
    return true;
}

} // namespace builder::stagex
