#include "spec.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/platform.hpp"

#include "toml_file.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

namespace builder {

namespace {

// Reads one table's keys, refusing unknown ones (a typo must not pass silently).
struct Reader {
    const Spec& spec;
    std::string& err;

    bool fail(const toml::node& at, const std::string& what) {
        err = seedboot::located(spec.file, at.source().begin.line, what);
        return false;
    }

    bool known_keys(const toml::table& t, const std::string& where, std::set<std::string> keys) {
        for (const auto& [k, v] : t)
            if (!keys.count(std::string(k.str())))
                return fail(v, "unknown key '" + std::string(k.str()) + "' in " + where);
        return true;
    }

    bool string(const toml::table& t, const char* key, std::string& out, bool required) {
        const toml::node* n = t.get(key);
        if (!n) return !required || fail(t, std::string("missing key '") + key + "'");
        if (!n->is_string()) return fail(*n, std::string("'") + key + "' must be a string");
        out = n->as_string()->get();
        return true;
    }

    bool boolean(const toml::table& t, const char* key, bool& out) {
        const toml::node* n = t.get(key);
        if (!n) return true;
        if (!n->is_boolean()) return fail(*n, std::string("'") + key + "' must be true or false");
        out = n->as_boolean()->get();
        return true;
    }

    bool integer(const toml::table& t, const char* key, uint64_t& out, bool required) {
        const toml::node* n = t.get(key);
        if (!n) return !required || fail(t, std::string("missing key '") + key + "'");
        if (!n->is_integer() || n->as_integer()->get() < 0)
            return fail(*n, std::string("'") + key + "' must be a non-negative integer");
        out = static_cast<uint64_t>(n->as_integer()->get());
        return true;
    }

    // `key = N`, or `key = { ARCH = N, ... }` when the figure differs per arch.
    bool per_arch_integer(const toml::table& t, const char* key, uint64_t& all,
                          std::map<std::string, uint64_t>& by_arch) {
        const toml::node* n = t.get(key);
        if (!n || n->is_integer()) return integer(t, key, all, false);
        const toml::table* arches = n->as_table();
        if (!arches)
            return fail(*n, std::string("'") + key +
                                "' must be a non-negative integer or a table of them by arch");
        for (const auto& [arch, v] : *arches) {
            std::string name(arch.str());
            if (!seedboot::find_arch(name))
                return fail(v, std::string("'") + key + "' names arch '" + name + "' (expected " +
                                   std::string(seedboot::kArchNames) + ")");
            if (!v.is_integer() || v.as_integer()->get() < 0)
                return fail(v, std::string("'") + key + "." + name +
                                   "' must be a non-negative integer");
            by_arch[name] = static_cast<uint64_t>(v.as_integer()->get());
        }
        return true;
    }

    bool strings(const toml::table& t, const char* key, std::vector<std::string>& out,
                 bool required) {
        const toml::node* n = t.get(key);
        if (!n) return !required || fail(t, std::string("missing key '") + key + "'");
        const toml::array* a = n->as_array();
        if (!a) return fail(*n, std::string("'") + key + "' must be an array of strings");
        out.clear();
        for (const auto& e : *a) {
            if (!e.is_string()) return fail(e, std::string("'") + key + "' must hold only strings");
            out.push_back(e.as_string()->get());
        }
        return true;
    }

    bool word(const toml::node& at, const std::string& what, const std::string& s) {
        for (char c : s)
            if (c <= ' ' || c == 127)
                return fail(at, what + " '" + s + "' contains a space or control character");
        return !s.empty() || fail(at, what + " is empty");
    }

    bool clean_path(const toml::node& at, const std::string& what, const std::string& p) {
        return seedboot::is_clean_abs_path(p) ||
               fail(at, what + " '" + p + "' is not a clean absolute path (expected /a/b)");
    }

    bool arch_list(const toml::table& t, const std::vector<std::string>& arches) {
        for (const auto& a : arches)
            if (!seedboot::find_arch(a))
                return fail(*t.get("arches"), "arch '" + a + "' (expected " +
                                                  std::string(seedboot::kArchNames) + ")");
        return true;
    }

    bool name(const toml::node& at, const std::string& what, const std::string& s) {
        return seedboot::is_clean_name(s) ||
               fail(at, what + " '" + s + "' is not a name of [A-Za-z0-9._+-], 1..64 characters");
    }
};

} // namespace

[[nodiscard]] bool memory_ok(uint64_t bytes) {
    return bytes >= (256ull << 20) && bytes <= (64ull << 30) && bytes % (1ull << 20) == 0;
}

namespace {

[[nodiscard]] bool read_image(const toml::table& root, Spec& s, Reader& r) {
    const toml::node* n = root.get("image");
    if (!n || !n->is_table()) return r.fail(root, "missing table [image]");
    const toml::table& t = *n->as_table();
    if (!r.known_keys(
            t, "[image]",
            {"description", "arches", "epoch", "work_size", "boot_timeout", "cpus", "memory"}))
        return false;
    std::string size = "64M", memory;
    if (!r.string(t, "description", s.description, false) ||
        !r.string(t, "memory", memory, false) || !r.strings(t, "arches", s.arches, true) ||
        !r.integer(t, "epoch", s.epoch, false) || !r.string(t, "work_size", size, false) ||
        !r.integer(t, "boot_timeout", s.boot_timeout_s, false) ||
        !r.integer(t, "cpus", s.cpus, false))
        return false;
    if (t.contains("cpus") && (s.cpus < 1 || s.cpus > 256))
        return r.fail(*t.get("cpus"),
                      "cpus = " + std::to_string(s.cpus) +
                          " (expected 1..256 guest CPUs, or no 'cpus' for one per host core)");
    if (t.contains("memory") && (!parse_size(memory, s.memory) || !memory_ok(s.memory)))
        return r.fail(*t.get("memory"),
                      "memory '" + memory + "' (expected " + kMemoryExpected + ")");
    if (s.arches.empty())
        return r.fail(t, "'arches' is empty (expected some of " +
                             std::string(seedboot::kArchNames) + ")");
    if (!r.arch_list(t, s.arches)) return false;
    if (!parse_size(size, s.work_size) || s.work_size < (16ull << 20))
        return r.fail(t,
                      "work_size '" + size + "' (expected a size of at least 16M, like 64M or 2G)");
    return true;
}

const toml::array* table_array(const toml::table& root, const char* key, Reader& r, bool& ok) {
    ok = true;
    const toml::node* n = root.get(key);
    if (!n) return nullptr;
    if (!n->is_array_of_tables())
        ok = r.fail(*n, std::string("'") + key + "' must be [[" + key + "]] tables");
    return ok ? n->as_array() : nullptr;
}

[[nodiscard]] bool read_vars(const toml::table& root, Spec& s, Reader& r) {
    const toml::node* n = root.get("vars");
    if (!n) return true;
    if (!n->is_table()) return r.fail(*n, "'vars' must hold [vars.ARCH] tables");
    for (const auto& [arch, t] : *n->as_table()) {
        std::string a(arch.str());
        if (!seedboot::find_arch(a) || !t.is_table())
            return r.fail(t, "[vars." + a + "] (expected [vars.ARCH] tables, ARCH one of " +
                                 std::string(seedboot::kArchNames) + ")");
        for (const auto& [key, value] : *t.as_table()) {
            if (!value.is_string())
                return r.fail(value,
                              "vars." + a + "." + std::string(key.str()) + " must be a string");
            s.vars[a][std::string(key.str())] = value.as_string()->get();
        }
    }
    return true;
}

[[nodiscard]] bool read_seeds(const toml::table& root, Spec& s, Reader& r) {
    bool ok;
    const toml::array* a = table_array(root, "seed", r, ok);
    for (size_t i = 0; ok && a && i < a->size(); ++i) {
        const toml::table& t = *(*a)[i].as_table();
        SeedSpec seed;
        ok = r.known_keys(t, "[[seed]]", {"name", "binary", "source", "into"}) &&
             r.string(t, "name", seed.name, true) && r.name(t, "seed name", seed.name) &&
             r.string(t, "binary", seed.binary, true) && r.string(t, "source", seed.source, true) &&
             r.string(t, "into", seed.into, false) &&
             (seed.into.empty() || r.clean_path(t, "into", seed.into));
        s.seeds.push_back(seed);
    }
    return ok;
}

[[nodiscard]] bool read_sources(const toml::table& root, Spec& s, Reader& r) {
    bool ok;
    const toml::array* a = table_array(root, "source", r, ok);
    for (size_t i = 0; ok && a && i < a->size(); ++i) {
        const toml::table& t = *(*a)[i].as_table();
        SourceSpec src;
        std::string how = "bind";
        ok = r.known_keys(t, "[[source]]",
                          {"name", "path", "into", "mode", "arches", "lock", "subdir"}) &&
             r.string(t, "name", src.name, true) && r.name(t, "source name", src.name) &&
             r.string(t, "path", src.path, true) && r.string(t, "into", src.into, false) &&
             r.string(t, "mode", how, false) && r.strings(t, "arches", src.arches, false) &&
             r.string(t, "lock", src.lock, false) && r.string(t, "subdir", src.subdir, false) &&
             (src.subdir.empty() || r.clean_path(t, "subdir", "/" + src.subdir)) &&
             r.arch_list(t, src.arches);
        if (ok && how != "bind" && how != "copy")
            ok = r.fail(t, "mode '" + how +
                               "' (expected \"bind\" (read-only) or \"copy\" (writable))");
        src.copy = how == "copy";
        if (ok && src.into.empty()) src.into = "/sources/" + src.name;
        ok = ok && r.clean_path(t, "into", src.into);
        s.sources.push_back(src);
    }
    return ok;
}

[[nodiscard]] bool read_build(const toml::table& root, Spec& s, Reader& r) {
    const toml::node* n = root.get("build");
    if (!n) return true;
    if (!n->is_table()) return r.fail(*n, "'build' must be a table");
    const toml::table& t = *n->as_table();
    if (!r.known_keys(t, "[build]", {"dirs", "env", "answers", "digest"}) ||
        !r.strings(t, "dirs", s.dirs, false) || !r.strings(t, "env", s.env, false) ||
        !r.strings(t, "answers", s.answers, false) || !r.boolean(t, "digest", s.digest_build))
        return false;
    for (const auto& d : s.dirs)
        if (!r.clean_path(t, "dir", d)) return false;
    for (const auto& a : s.answers)
        if (!r.clean_path(t, "answers", a)) return false;
    for (const auto& e : s.env) {
        size_t eq = e.find('=');
        if (eq == 0 || eq == std::string::npos || !r.word(t, "env", e))
            return r.fail(t, "env '" + e + "' (expected NAME=VALUE without spaces)");
        if (e.rfind("SOURCE_DATE_EPOCH=", 0) == 0)
            return r.fail(t, "env sets SOURCE_DATE_EPOCH: use [image] epoch instead");
    }
    return true;
}

[[nodiscard]] bool read_step(const toml::table& t, StepSpec& step, Reader& r) {
    if (!r.known_keys(t, "[[step]]",
                      {"name", "run", "timeout", "cwd", "outputs", "lines", "answers", "arches"}) ||
        !r.string(t, "name", step.name, true) || !r.name(t, "step name", step.name) ||
        !r.strings(t, "run", step.run, true) || !r.integer(t, "timeout", step.timeout_s, true) ||
        !r.string(t, "cwd", step.cwd, false) || !r.strings(t, "outputs", step.outputs, false) ||
        !r.per_arch_integer(t, "lines", step.lines, step.lines_by_arch) ||
        !r.string(t, "answers", step.answers, false) ||
        !r.strings(t, "arches", step.arches, false) || !r.arch_list(t, step.arches))
        return false;
    if (step.run.empty())
        return r.fail(t, "step '" + step.name +
                             "': 'run' is empty (expected a program and its arguments)");
    if (step.timeout_s == 0 || step.timeout_s > 30 * 86400)
        return r.fail(t, "step '" + step.name + "': timeout must be 1..2592000 seconds");
    for (const auto& a : step.run)
        if (!r.word(t, "argument", a)) return false;
    if (!r.clean_path(t, "program", step.run[0]) || !r.clean_path(t, "cwd", step.cwd)) return false;
    for (const auto& o : step.outputs)
        if (!r.clean_path(t, "output", o)) return false;
    if (!step.answers.empty() && !r.clean_path(t, "answers", step.answers)) return false;
    return true;
}

// images = { "stagex/bootstrap-stage0" = "../out/stagex-stage0-i386.sqfs" }
[[nodiscard]] bool read_stage_images(const toml::table& t, StagexSpec& x, Reader& r) {
    const toml::node* n = t.get("images");
    if (!n) return true;
    if (!n->is_table())
        return r.fail(*n, "'images' must be a table of stagex/bootstrap-stageN = \"FILE.sqfs\"");
    for (const auto& [k, v] : *n->as_table()) {
        std::string name(k.str());
        bool good_name = name.size() == 23 && name.starts_with("stagex/bootstrap-stage") &&
                         name[22] >= '0' && name[22] <= '3';
        if (!good_name)
            return r.fail(v, "images: '" + name + "' (expected stagex/bootstrap-stage0..3)");
        if (!v.is_string() || v.as_string()->get().empty())
            return r.fail(v, "images: " + name + " must be the path of a squashfs file");
        x.images[name] = v.as_string()->get();
    }
    return true;
}

[[nodiscard]] bool read_stagex(const toml::table& root, Spec& s, Reader& r) {
    const toml::node* n = root.get("stagex");
    if (!n) return true;
    if (!n->is_table()) return r.fail(*n, "'stagex' must be a table [stagex]");
    const toml::table& t = *n->as_table();
    StagexSpec& x = s.stagex;
    s.has_stagex = true;
    if (!r.known_keys(t, "[stagex]",
                      {"tree", "lock", "stage", "fetch", "seed_source", "until", "images"}) ||
        !r.string(t, "tree", x.tree, true) || !r.string(t, "lock", x.lock, false) ||
        !r.integer(t, "stage", x.stage, true) || !r.string(t, "fetch", x.fetch, true) ||
        !r.string(t, "seed_source", x.seed_source, false) || !r.string(t, "until", x.until, false))
        return false;
    if (x.stage > 3) return r.fail(t, "stage " + std::to_string(x.stage) + " (expected 0..3)");
    if (!read_stage_images(t, x, r)) return false;
    if (root.get("step") || root.get("seed") || root.get("source") || root.get("build"))
        return r.fail(t, "[stagex] takes its steps, seeds and sources from StageX's files "
                         "(expected no [[step]], [[seed]], [[source]] or [build] beside it)");
    return true;
}

[[nodiscard]] bool read_steps(const toml::table& root, Spec& s, Reader& r) {
    bool ok;
    const toml::array* a = table_array(root, "step", r, ok);
    if (ok && !a && s.has_stagex) return true;
    if (ok && !a) return r.fail(root, "no [[step]] tables (expected at least one step)");
    std::set<std::string> names;
    for (size_t i = 0; ok && i < a->size(); ++i) {
        const toml::table& t = *(*a)[i].as_table();
        StepSpec step;
        ok = read_step(t, step, r);
        if (ok && !names.insert(step.name).second)
            ok = r.fail(t, "step name '" + step.name + "' is used twice");
        s.steps.push_back(step);
    }
    return ok;
}

} // namespace

[[nodiscard]] bool parse_size(const std::string& text, uint64_t& out) {
    if (text.empty()) return false;
    uint64_t mult = 1;
    std::string digits = text;
    switch (text.back()) {
    case 'K':
        mult = 1ull << 10;
        break;
    case 'M':
        mult = 1ull << 20;
        break;
    case 'G':
        mult = 1ull << 30;
        break;
    default:
        break;
    }
    if (mult != 1) digits.pop_back();
    uint64_t n = 0;
    if (!seedboot::parse_u64(digits, n) || n > (1ull << 50) / mult) return false;
    out = n * mult;
    return true;
}

[[nodiscard]] bool applies_to(const std::vector<std::string>& arches, const std::string& arch) {
    return arches.empty() || std::find(arches.begin(), arches.end(), arch) != arches.end();
}

[[nodiscard]] bool check_arch(const Spec& spec, const std::string& arch, std::string& err) {
    if (std::find(spec.arches.begin(), spec.arches.end(), arch) != spec.arches.end()) return true;
    err = spec.file + ": arch '" + arch + "' is not in its [image] arches";
    return false;
}

std::string expand(const Spec& spec, const std::string& text, const std::string& arch) {
    std::string p = text;
    auto replace_all = [&p](const std::string& key, const std::string& value) {
        for (size_t at = 0; (at = p.find(key, at)) != std::string::npos; at += value.size())
            p.replace(at, key.size(), value);
    };
    replace_all("{arch}", arch);
    auto vars = spec.vars.find(arch);
    if (vars != spec.vars.end())
        for (const auto& [key, value] : vars->second) replace_all("{" + key + "}", value);
    return p;
}

std::string host_path(const Spec& spec, const std::string& pattern, const std::string& arch,
                      const std::string& build_dir) {
    std::string p = expand(spec, pattern, arch);
    // {build} is a folder the user named on the command line: relative to where they stand.
    std::error_code ec;
    std::string build = std::filesystem::absolute(build_dir, ec).lexically_normal().string();
    for (auto [key, value] :
         {std::pair{std::string("{sources}"), spec.sources_dir}, {std::string("{build}"), build}})
        for (size_t at; (at = p.find(key)) != std::string::npos;) p.replace(at, key.size(), value);
    if (!p.empty() && p[0] == '/') return p;
    return (std::filesystem::path(spec.dir) / p).lexically_normal().string();
}

[[nodiscard]] bool load_spec(const std::string& path, Spec& out, std::string& err) {
    Spec s;
    s.file = path;
    s.dir = std::filesystem::path(path).parent_path().string();
    if (s.dir.empty()) s.dir = ".";
    s.name = std::filesystem::path(path).stem().string();
    if (!std::filesystem::is_regular_file(path)) {
        err = path + ": spec not found (expected images/NAME.toml)";
        return false;
    }
    toml::parse_result parsed;
    if (!parse_toml_file(path, parsed, err)) return false;
    const toml::table& root = parsed.table();
    Reader r{s, err};
    if (!r.known_keys(root, "the spec",
                      {"image", "vars", "seed", "source", "build", "step", "stagex"}))
        return false;
    std::error_code ec;
    s.sources_dir = std::filesystem::absolute(std::filesystem::path(s.dir) / "../sources", ec)
                        .lexically_normal()
                        .string();
    if (!read_image(root, s, r) || !read_stagex(root, s, r) || !read_vars(root, s, r) ||
        !read_seeds(root, s, r) || !read_sources(root, s, r) || !read_build(root, s, r) ||
        !read_steps(root, s, r))
        return false;
    out = std::move(s);
    return true;
}

[[nodiscard]] bool apply_options(Spec& spec, const std::string& sources, const std::string& until,
                                 std::string& err) {
    if (!sources.empty()) spec.sources_dir = std::filesystem::absolute(sources).string();
    if (until.empty()) return true;
    if (spec.has_stagex) {
        spec.stagex.until = until;
        return true;
    }
    // A spec's own steps: the run ends with the named one, as if the spec ended there.
    auto it = std::find_if(spec.steps.begin(), spec.steps.end(),
                           [&](const StepSpec& st) { return st.name == until; });
    if (it == spec.steps.end()) {
        std::string names;
        for (const auto& st : spec.steps) names += (names.empty() ? "" : ", ") + st.name;
        err = spec.file + ": --until " + until +
              ": no step of that name (expected one of: " + names + ")";
        return false;
    }
    spec.steps.erase(it + 1, spec.steps.end());
    return true;
}

[[nodiscard]] bool list_specs(const std::string& dir, std::vector<std::string>& out,
                              std::string& err) {
    std::vector<std::string> specs;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.path().extension() == ".toml") specs.push_back(e.path().string());
    if (ec || specs.empty()) {
        err = dir + ": " + (ec ? ec.message() : "no image specs (*.toml)");
        return false;
    }
    std::sort(specs.begin(), specs.end());
    out = std::move(specs);
    return true;
}

} // namespace builder
