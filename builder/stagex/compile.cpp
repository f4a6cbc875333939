#include "compile.hpp"

#include "libseedboot/format/text.hpp"

#include <algorithm>
#include <set>

namespace builder::stagex {

namespace {

const std::string kImage = "/sources/stagex";

std::string root_of(const std::string& stage) {
    return "s-" + stage;
}

// [A-Za-z0-9._+-], at most 64 characters: a step name the journal can hold.
std::string clean_name(const std::string& raw) {
    std::string s;
    for (char c : raw)
        s += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '+' ||
              c == '-')
                 ? c
                 : '-';
    return s.substr(0, 64);
}

// A COPY --from source as a path from the top of that stage or image, where BuildKit reads
// it: "." is the top, "x" is "/x".
std::string from_top(const std::string& src) {
    if (src == "." || src == "./") return "/";
    if (src.starts_with("./")) return src.substr(1);
    return src.starts_with("/") ? src : "/" + src;
}

std::vector<std::string> words_of(const std::string& s) {
    std::vector<std::string> out;
    for (auto w : seedboot::split_words(s)) out.emplace_back(w);
    return out;
}

std::string env_value(const Action& a, const std::string& name) {
    for (const auto& e : a.env)
        if (e.starts_with(name + "=")) return e.substr(name.size() + 1);
    return "";
}

// "pass1" from "pass1.kaem", "build tcc-0.9.27 pass2.sh": what tells two runs of a package apart.
std::string pass_of(const Action& a) {
    for (const auto& w : words_of(a.argv.back()))
        if (w.starts_with("pass")) return w.substr(0, w.find('.'));
    return "";
}

std::string step_name(const Action& a, const Recipe& r) {
    std::string line = "L" + std::to_string(a.line) + "-";
    switch (a.kind) {
    case Action::Kind::start:
        return clean_name(line + "from-" + r.stages[a.stage].name);
    case Action::Kind::mkdir:
        return clean_name(line + "workdir");
    case Action::Kind::copy:
        return clean_name(line + (a.instruction == "ADD" ? "add" : "copy"));
    case Action::Kind::run:
        break;
    }
    std::string pkg = package_of(a), pass = pass_of(a);
    if (pkg.empty()) return clean_name(line + "run");
    return clean_name(line + pkg + (pass.empty() ? "" : "-" + pass));
}

// "linux/386 (base, make), linux/arm64 (cmake)": which stage runs where.
std::string stages_by_platform(const Recipe& r, const std::set<std::string>& platforms) {
    std::string out;
    for (const auto& p : platforms) {
        std::string names;
        for (const auto& s : r.stages)
            if (s.platform == p) names += (names.empty() ? "" : ", ") + s.name;
        out += (out.empty() ? "" : ", ") + p + " (" + names + ")";
    }
    return out;
}

// The stages each stage takes files from: its base and its COPY --from stages.
std::vector<std::set<size_t>> stage_inputs(const Recipe& r) {
    auto index = [&](const std::string& name) {
        for (size_t i = 0; i < r.stages.size(); ++i)
            if (r.stages[i].name == name) return i;
        return r.stages.size();
    };
    std::vector<std::set<size_t>> in(r.stages.size());
    for (size_t i = 0; i < r.stages.size(); ++i)
        if (r.stages[i].base.kind == Base::Kind::stage) in[i].insert(index(r.stages[i].base.name));
    for (const auto& a : r.actions)
        if (a.kind == Action::Kind::copy && a.origin.kind == Origin::Kind::stage)
            in[a.stage].insert(index(a.origin.name));
    return in;
}

// A stage of `platform` that `stage` is built from, directly or through others.
[[nodiscard]] bool built_from(const Recipe& r, const std::vector<std::set<size_t>>& in,
                              size_t stage, const std::string& platform, std::vector<bool>& seen,
                              size_t& found) {
    for (size_t i : in[stage]) {
        if (i >= r.stages.size() || seen[i]) continue;
        seen[i] = true;
        if (r.stages[i].platform == platform) return found = i, true;
        if (built_from(r, in, i, platform, seen, found)) return true;
    }
    return false;
}

// Guests run one after another (each starting from the last one's roots) could run a mix
// only if files went one way between platforms; "" when they do, else the stages that
// send them back.
std::string no_guest_order(const Recipe& r) {
    auto in = stage_inputs(r);
    for (size_t x = 0; x < r.stages.size(); ++x)
        for (size_t y : in[x]) {
            if (y >= r.stages.size() || r.stages[y].platform == r.stages[x].platform) continue;
            std::vector<bool> seen(r.stages.size(), false);
            size_t z = 0;
            if (!built_from(r, in, y, r.stages[x].platform, seen, z)) continue;
            const auto &sx = r.stages[x], &sy = r.stages[y], &sz = r.stages[z];
            return "; nor would guests run one after another: " + sx.platform + " stage " +
                   sx.name + " takes files from " + sy.platform + " stage " + sy.name +
                   ", which is built from " + sz.platform + " stage " + sz.name;
        }
    return "";
}

struct Compiler {
    const Recipe& r;
    const CompileInput& in;
    Compiled& out;
    std::set<std::string> have_files;
    std::set<std::string> needed;
    std::vector<size_t> copy_all_fetch; // steps that copy the whole fetch folder
    std::set<std::string> ran;          // packages a RUN has built so far

    void file(ImageFile f) {
        if (have_files.insert(f.image_path).second) out.files.push_back(std::move(f));
    }
    void need(const std::string& file, const std::string& step) {
        if (!needed.insert(file).second) return;
        out.needs.push_back({file, step});
        this->file({ImageFile::Kind::fetch, kImage + "/fetch/" + file, file, ""});
    }

    // "stagex/bootstrap-stage0": our own earlier stage's output, carried in the image.
    std::string stage_image(const std::string& image) {
        std::string at = kImage + "/image/" + image.substr(image.find('/') + 1);
        file({ImageFile::Kind::stage_image, at, image, ""});
        return at;
    }

    std::string image_source(const Action& a, const std::string& src, const std::string& step) {
        switch (a.origin.kind) {
        case Origin::Kind::fetch:
            if (a.extract) {
                need(src, step);
                file({ImageFile::Kind::unpacked, kImage + "/unpacked/" + src, src, ""});
                return kImage + "/unpacked/" + src + "/";
            }
            if (src == "." || src == "/") return kImage + "/fetch";
            need(src, step);
            return kImage + "/fetch/" + src;
        case Origin::Kind::context: {
            auto seed = in.seeds.find(src);
            if (seed != in.seeds.end()) return seed->second;
            file({ImageFile::Kind::context, kImage + "/context/" + src, src, ""});
            return kImage + "/context/" + src;
        }
        case Origin::Kind::image: {
            std::string in = from_top(src);
            return stage_image(a.origin.name) + (in == "/" ? "" : in);
        }
        default:
            return src;
        }
    }

    seedboot::PlanStep copy_step(const Action& a, const std::string& name) {
        seedboot::PlanStep s;
        s.action = seedboot::StepAction::copy;
        s.chmod = a.chmod.empty() ? -1 : std::stoi(a.chmod, nullptr, 8);
        if (a.origin.kind == Origin::Kind::stage) {
            s.from = root_of(a.origin.name);
            // BuildKit reads `COPY --from=STAGE path` from the stage's root, whatever its WORKDIR.
            for (const auto& src : a.sources) s.argv.push_back(from_top(src));
        } else if (a.origin.kind == Origin::Kind::heredoc) {
            // The document is a file named by its delimiter, as BuildKit names it.
            std::string at = kImage + "/heredoc/L" + std::to_string(a.line) + "/EOF";
            file({ImageFile::Kind::heredoc, at, "", a.content});
            s.from = "image";
            s.argv = {at};
        } else {
            s.from = "image";
            for (const auto& src : a.sources) s.argv.push_back(image_source(a, src, name));
            if (a.origin.kind == Origin::Kind::fetch && !a.extract &&
                std::any_of(a.sources.begin(), a.sources.end(),
                            [](const std::string& x) { return x == "." || x == "/"; }))
                copy_all_fetch.push_back(out.plan.steps.size());
        }
        s.argv.push_back(a.dest);
        return s;
    }

    seedboot::PlanStep step_for(const Action& a, const std::string& name) {
        seedboot::PlanStep s;
        switch (a.kind) {
        case Action::Kind::start: {
            s.action = seedboot::StepAction::start;
            const Base& b = r.stages[a.stage].base;
            if (b.kind == Base::Kind::stage) s.base = root_of(b.name);
            if (b.kind == Base::Kind::image) s.base = stage_image(b.name);
            break;
        }
        case Action::Kind::mkdir:
            s.action = seedboot::StepAction::mkdir;
            s.argv = {a.dest};
            break;
        case Action::Kind::copy:
            s = copy_step(a, name);
            break;
        case Action::Kind::run:
            s.timeout_s = in.timeout_s;
            s.cwd = a.cwd;
            s.env = a.env;
            s.argv = a.argv;
            for (const auto& f : package_files(a)) need(f, name);
            s.answers = package_answers(a);
            break;
        }
        s.name = name;
        s.root = root_of(r.stages[a.stage].name);
        return s;
    }

    // Upstream's checksums are what a package's first pass installs (its pass1.kaem writes
    // them); a later pass of the same package installs something else.
    std::string package_answers(const Action& a) {
        std::string pkg = package_of(a);
        if (pkg.empty() || !ran.insert(pkg).second) return "";
        auto it = in.package_answers.find(pkg + "." + env_value(a, "ARCH"));
        return it == in.package_answers.end() ? "" : it->second;
    }

    std::vector<std::string> package_files(const Action& a) {
        auto it = in.package_files.find(package_of(a));
        return it == in.package_files.end() ? std::vector<std::string>{} : it->second;
    }

    // Without UNTIL, `COPY --from=fetch .` needs every fetched file, even those no known
    // package names; with it, only what the runs up to UNTIL need (counted above).
    void whole_fetch_folder(bool truncated) {
        if (truncated) return;
        for (size_t i : copy_all_fetch)
            for (const auto& f : in.all_fetch_files) need(f, out.plan.steps[i].name);
    }
};

} // namespace

std::string package_of(const Action& a) {
    if (a.kind != Action::Kind::run || a.argv.empty()) return "";
    std::string pkg = env_value(a, "pkg");
    if (!pkg.empty() && a.cwd == "/steps/" + pkg) return pkg;
    auto w = words_of(a.argv.back());
    if (w.size() >= 2 && w[0] == "build") return w[1];
    return "";
}

[[nodiscard]] bool guest_arch(const Recipe& r, std::string& arch, std::string& err) {
    std::set<std::string> platforms;
    for (const auto& s : r.stages) platforms.insert(s.platform);
    bool p386 = platforms.count("linux/386"), amd64 = platforms.count("linux/amd64"),
         arm64 = platforms.count("linux/arm64");
    if (platforms.size() == 1 && p386) return arch = "i386", true;
    if (platforms.size() == size_t{1} + p386 && amd64) return arch = "x86_64", true;
    if (platforms.size() == 1 && arm64) return arch = "aarch64", true;
    err = r.file + ": its stages run on " + stages_by_platform(r, platforms) +
          ": no one guest runs them all (seedboot boots one guest per plan; i386 runs linux/386, "
          "x86_64 runs linux/386 and linux/amd64, aarch64 runs linux/arm64)" +
          no_guest_order(r);
    return false;
}

[[nodiscard]] bool compile_stagex(const Recipe& r, const CompileInput& in, Compiled& out,
                                  std::string& err) {
    out = Compiled{};
    if (!guest_arch(r, out.plan.arch, err)) return false;
    out.plan.epoch = in.epoch;
    for (const auto& s : r.stages) {
        out.plan.roots.push_back(root_of(s.name));
        out.platforms[root_of(s.name)] = s.platform;
    }
    Compiler c{r, in, out, {}, {}, {}, {}};
    bool truncated = false;
    for (const auto& a : r.actions) {
        std::string name = step_name(a, r);
        out.plan.steps.push_back(c.step_for(a, name));
        if (name == in.until) {
            truncated = true;
            break;
        }
    }
    if (!in.until.empty() && !truncated) {
        err =
            "UNTIL=" + in.until + ": " + r.file + " has no such step (`seedboot plan` lists them)";
        return false;
    }
    c.whole_fetch_folder(truncated);
    out.plan.digest_root = out.plan.steps.back().root;
    return true;
}

} // namespace builder::stagex
