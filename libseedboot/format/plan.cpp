#include "plan.hpp"

#include "text.hpp"

#include <algorithm>
#include <cstdio>

namespace seedboot {

namespace {

constexpr const char* kHeader = "seedboot-plan 2";

struct LineParser {
    std::string_view file;
    size_t line = 0;
    std::string& err;

    bool fail(std::string_view what) {
        err = located(file, line, what);
        return false;
    }
    bool path(std::string_view p, std::string_view what) {
        if (is_clean_abs_path(p)) return true;
        return fail(std::string(what) + " '" + std::string(p) +
                    "' is not a clean absolute path (expected /a/b, no '.', '..', spaces)");
    }
    // A %-escaped word: any bytes but NUL.
    bool word(std::string_view text, std::string& out, std::string_view what) {
        if (decode_word(text, out)) return true;
        return fail(std::string(what) + " '" + std::string(text) +
                    "' is not %-escaped text (expected %XX for spaces, '%' and control bytes)");
    }
};

[[nodiscard]] bool parse_outputs(std::string_view list, PlanStep& step, LineParser& lp) {
    size_t start = 0;
    while (start <= list.size()) {
        size_t end = list.find(',', start);
        if (end == std::string_view::npos) end = list.size();
        std::string_view p = list.substr(start, end - start);
        if (!lp.path(p, "output")) return false;
        step.outputs.emplace_back(p);
        start = end + 1;
    }
    return true;
}

[[nodiscard]] bool parse_action(std::string_view value, PlanStep& step, LineParser& lp) {
    for (auto a : {StepAction::run, StepAction::start, StepAction::mkdir, StepAction::copy})
        if (value == action_name(a)) return step.action = a, true;
    return lp.fail("do '" + std::string(value) + "' (expected run, start, mkdir or copy)");
}

[[nodiscard]] bool parse_env(std::string_view value, PlanStep& step, LineParser& lp) {
    std::string e;
    if (!lp.word(value, e, "env")) return false;
    size_t eq = e.find('=');
    if (eq == 0 || eq == std::string::npos)
        return lp.fail("env '" + std::string(value) + "' is not NAME=VALUE");
    step.env.push_back(std::move(e));
    return true;
}

[[nodiscard]] bool parse_number_option(std::string_view key, std::string_view value, PlanStep& step,
                                       LineParser& lp) {
    if (key == "timeout") {
        if (!parse_u64(value, step.timeout_s) || step.timeout_s == 0 || step.timeout_s > 30 * 86400)
            return lp.fail("timeout '" + std::string(value) +
                           "' is not a number of seconds from 1 to 2592000");
        return true;
    }
    if (key == "lines") {
        if (parse_u64(value, step.expect_lines)) return true;
        return lp.fail("lines '" + std::string(value) + "' is not a whole number");
    }
    uint64_t mode = 0; // chmod
    if (value.empty() || value.size() > 4 || !parse_u64(value, mode, 8))
        return lp.fail("chmod '" + std::string(value) + "' is not an octal mode such as 755");
    step.chmod = static_cast<int>(mode);
    return true;
}

[[nodiscard]] bool parse_step_option(std::string_view opt, PlanStep& step, LineParser& lp) {
    size_t eq = opt.find('=');
    if (eq == std::string_view::npos)
        return lp.fail("step option '" + std::string(opt) + "' has no '=' (expected key=value)");
    std::string_view key = opt.substr(0, eq), value = opt.substr(eq + 1);
    if (key == "timeout" || key == "lines" || key == "chmod")
        return parse_number_option(key, value, step, lp);
    if (key == "do") return parse_action(value, step, lp);
    if (key == "env") return parse_env(value, step, lp);
    if (key == "out") return parse_outputs(value, step, lp);
    if (key == "cwd" || key == "answers") {
        (key == "cwd" ? step.cwd : step.answers) = value;
        return lp.path(value, key);
    }
    if (key == "root" || key == "from") {
        (key == "root" ? step.root : step.from) = value;
        return is_clean_name(value) ||
               lp.fail(std::string(key) + " '" + std::string(value) + "' is not a root name");
    }
    if (key == "base") {
        step.base = value;
        return is_clean_name(value) || lp.path(value, "base");
    }
    return lp.fail("unknown step option '" + std::string(key) +
                   "' (expected do, root, timeout, cwd, env, out, answers, lines, base, from or "
                   "chmod)");
}

[[nodiscard]] bool known_root(const Plan& plan, const std::string& name) {
    return name == "build" ||
           std::find(plan.roots.begin(), plan.roots.end(), name) != plan.roots.end();
}

// What each action needs, checked once the whole line is read.
[[nodiscard]] bool check_step(const Plan& plan, const PlanStep& s, LineParser& lp) {
    const std::string& n = s.name;
    if (!known_root(plan, s.root))
        return lp.fail("step '" + n + "' works in root '" + s.root + "', which no root line names");
    // Only a program has a working folder; the writer gives cwd= to run steps alone.
    if (s.action != StepAction::run && s.cwd != "/")
        return lp.fail("step '" + n + "' (do=" + action_name(s.action) + ") takes no cwd=" +
                       " (only a step that runs a program has a working folder)");
    switch (s.action) {
    case StepAction::run:
        if (s.argv.empty() || s.argv[0].empty())
            return lp.fail("step '" + n + "' names no program after '--'");
        if (s.timeout_s == 0) return lp.fail("step '" + n + "' has no timeout=SECONDS");
        return true;
    case StepAction::start:
        if (!s.argv.empty())
            return lp.fail("step '" + n + "' (do=start) takes no words after '--'");
        if (!s.base.empty() && s.base[0] != '/' && !known_root(plan, s.base))
            return lp.fail("step '" + n + "' starts from root '" + s.base +
                           "', which no root "
                           "line names");
        return true;
    case StepAction::mkdir:
        if (s.argv.size() != 1) return lp.fail("step '" + n + "' (do=mkdir) takes one folder");
        return lp.path(s.argv[0], "folder");
    case StepAction::copy:
        if (s.argv.size() < 2)
            return lp.fail("step '" + n + "' (do=copy) takes SOURCE... DESTINATION");
        if (s.from != "image" && !known_root(plan, s.from))
            return lp.fail("step '" + n + "' copies from '" + s.from +
                           "' (expected a root name or image)");
        for (const auto& p : s.argv)
            if (!is_plain_abs_path(p.size() > 1 && p.back() == '/' ? p.substr(0, p.size() - 1) : p))
                return lp.fail("step '" + n + "' copies '" + p + "' (expected absolute paths)");
        return true;
    }
    return true;
}

[[nodiscard]] bool parse_step(const std::vector<std::string_view>& w, Plan& plan, LineParser& lp) {
    if (w.size() < 2 || !is_clean_name(w[1]))
        return lp.fail("step needs a name of [A-Za-z0-9._+-] (1..64 characters)");
    for (const PlanStep& s : plan.steps)
        if (s.name == w[1]) return lp.fail("step name '" + std::string(w[1]) + "' is used twice");
    if (plan.steps.size() >= kMaxPlanSteps) return lp.fail("more than 10000 steps");
    PlanStep step;
    step.name = w[1];
    size_t i = 2;
    for (; i < w.size() && w[i] != "--"; ++i)
        if (!parse_step_option(w[i], step, lp)) return false;
    if (i == w.size() && step.action != StepAction::start)
        return lp.fail("step '" + step.name + "' has no '-- PROGRAM ARGS...'");
    for (++i; i < w.size(); ++i) {
        std::string arg;
        if (!lp.word(w[i], arg, "word")) return false;
        step.argv.push_back(std::move(arg));
    }
    if (!check_step(plan, step, lp)) return false;
    plan.steps.push_back(std::move(step));
    return true;
}

[[nodiscard]] bool parse_root(const std::vector<std::string_view>& w, Plan& plan, LineParser& lp) {
    if (w.size() != 2 || !is_clean_name(w[1]))
        return lp.fail("root needs one name of [A-Za-z0-9._+-]");
    if (known_root(plan, std::string(w[1])))
        return lp.fail("root '" + std::string(w[1]) + "' is named twice");
    plan.roots.emplace_back(w[1]);
    return true;
}

[[nodiscard]] bool parse_line(const std::vector<std::string_view>& w, Plan& plan, LineParser& lp) {
    std::string_view kw = w[0];
    auto want = [&](size_t n) {
        return w.size() == n ||
               lp.fail("'" + std::string(kw) + "' takes " + std::to_string(n - 1) + " argument(s)");
    };
    if (kw == "arch") {
        if (!want(2)) return false;
        if (!is_known_arch(w[1]))
            return lp.fail("arch '" + std::string(w[1]) + "' (expected i386, x86_64 or aarch64)");
        plan.arch = w[1];
        return true;
    }
    if (kw == "epoch") {
        if (!want(2)) return false;
        return parse_u64(w[1], plan.epoch) || lp.fail("epoch is not a whole number of seconds");
    }
    if (kw == "env") {
        if (!want(2)) return false;
        size_t eq = w[1].find('=');
        if (eq == 0 || eq == std::string_view::npos)
            return lp.fail("env '" + std::string(w[1]) + "' is not NAME=VALUE");
        plan.env.emplace_back(w[1]);
        return true;
    }
    if (kw == "mkdir") {
        if (!want(2) || !lp.path(w[1], "mkdir")) return false;
        plan.mkdirs.emplace_back(w[1]);
        return true;
    }
    if (kw == "copy" || kw == "bind") {
        if (!want(3) || !lp.path(w[1], "source") || !lp.path(w[2], "target")) return false;
        (kw == "copy" ? plan.copies : plan.binds).push_back({std::string(w[1]), std::string(w[2])});
        return true;
    }
    if (kw == "answers") {
        if (!want(2) || !lp.path(w[1], "answers")) return false;
        plan.answers.emplace_back(w[1]);
        return true;
    }
    if (kw == "root") return parse_root(w, plan, lp);
    if (kw == "digest") {
        if (!want(2)) return false;
        plan.digest_root = w[1];
        return known_root(plan, plan.digest_root) ||
               lp.fail("digest names root '" + plan.digest_root + "', which no root line names");
    }
    if (kw == "step") return parse_step(w, plan, lp);
    return lp.fail("unknown instruction '" + std::string(kw) +
                   "' (expected arch, epoch, env, mkdir, bind, copy, answers, root, digest or "
                   "step)");
}

std::string format_step(const PlanStep& s) {
    std::string t = "step " + s.name;
    if (s.action != StepAction::run) t += std::string(" do=") + action_name(s.action);
    if (s.root != "build") t += " root=" + s.root;
    if (s.timeout_s) t += " timeout=" + std::to_string(s.timeout_s);
    if (s.action == StepAction::run) t += " cwd=" + s.cwd;
    for (const auto& e : s.env) t += " env=" + encode_word(e);
    for (size_t i = 0; i < s.outputs.size(); ++i) t += (i ? "," : " out=") + s.outputs[i];
    if (!s.answers.empty()) t += " answers=" + s.answers;
    if (s.expect_lines) t += " lines=" + std::to_string(s.expect_lines);
    if (!s.base.empty()) t += " base=" + s.base;
    if (!s.from.empty()) t += " from=" + s.from;
    if (s.chmod >= 0) {
        char mode[16];
        std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(s.chmod));
        t += std::string(" chmod=") + mode;
    }
    if (s.action != StepAction::start) t += " --";
    for (const auto& a : s.argv) t += " " + encode_word(a);
    return t + "\n";
}

} // namespace

[[nodiscard]] bool is_known_arch(std::string_view arch) {
    return arch == "i386" || arch == "x86_64" || arch == "aarch64";
}

const char* action_name(StepAction a) {
    switch (a) {
    case StepAction::run:
        return "run";
    case StepAction::start:
        return "start";
    case StepAction::mkdir:
        return "mkdir";
    case StepAction::copy:
        return "copy";
    }
    return "run";
}

[[nodiscard]] bool parse_plan(std::string_view text, std::string_view file, Plan& out,
                              std::string& err) {
    Plan plan;
    LineParser lp{file, 0, err};
    bool header = false;
    const std::string expected = std::string("expected the header '") + kHeader + "'";
    for (std::string_view raw : split_lines(text)) {
        ++lp.line;
        auto w = split_words(raw);
        if (w.empty() || w[0][0] == '#') continue;
        if (!header) {
            if (w.size() != 2 || w[0] != "seedboot-plan" || w[1] != "2") return lp.fail(expected);
            header = true;
            continue;
        }
        if (!parse_line(w, plan, lp)) return false;
    }
    if (!header) return lp.fail("empty plan (" + expected + ")");
    if (plan.arch.empty()) return lp.fail("the plan names no arch");
    out = std::move(plan);
    return true;
}

std::vector<std::string> step_environment(const Plan& plan, const PlanStep& step) {
    std::vector<std::string> env = {"SOURCE_DATE_EPOCH=" + std::to_string(plan.epoch)};
    const auto& own = step.env.empty() ? plan.env : step.env;
    env.insert(env.end(), own.begin(), own.end());
    return env;
}

std::string format_plan(const Plan& plan) {
    std::string t = std::string(kHeader) + "\narch " + plan.arch + "\nepoch " +
                    std::to_string(plan.epoch) + "\n";
    for (const auto& e : plan.env) t += "env " + e + "\n";
    for (const auto& d : plan.mkdirs) t += "mkdir " + d + "\n";
    for (const auto& b : plan.binds) t += "bind " + b.from + " " + b.to + "\n";
    for (const auto& c : plan.copies) t += "copy " + c.from + " " + c.to + "\n";
    for (const auto& a : plan.answers) t += "answers " + a + "\n";
    for (const auto& r : plan.roots) t += "root " + r + "\n";
    if (!plan.digest_root.empty()) t += "digest " + plan.digest_root + "\n";
    for (const auto& s : plan.steps) t += format_step(s);
    return t;
}

} // namespace seedboot
