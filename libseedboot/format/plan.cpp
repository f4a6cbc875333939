#include "plan.hpp"

#include "text.hpp"

namespace seedboot {

namespace {

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
};

bool parse_outputs(std::string_view list, PlanStep& step, LineParser& lp) {
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

bool parse_step_option(std::string_view opt, PlanStep& step, LineParser& lp) {
    size_t eq = opt.find('=');
    if (eq == std::string_view::npos)
        return lp.fail("step option '" + std::string(opt) + "' has no '=' (expected key=value)");
    std::string_view key = opt.substr(0, eq), value = opt.substr(eq + 1);
    if (key == "timeout") {
        if (!parse_u64(value, step.timeout_s) || step.timeout_s == 0 || step.timeout_s > 30 * 86400)
            return lp.fail("timeout '" + std::string(value) +
                           "' is not a number of seconds from 1 to 2592000");
        return true;
    }
    if (key == "cwd") {
        step.cwd = value;
        return lp.path(value, "cwd");
    }
    if (key == "out") return parse_outputs(value, step, lp);
    if (key == "answers") {
        step.answers = value;
        return lp.path(value, "answers");
    }
    if (key == "lines") {
        if (parse_u64(value, step.expect_lines)) return true;
        return lp.fail("lines '" + std::string(value) + "' is not a whole number");
    }
    return lp.fail("unknown step option '" + std::string(key) +
                   "' (expected timeout, cwd, out, answers or lines)");
}

bool parse_step(const std::vector<std::string_view>& w, Plan& plan, LineParser& lp) {
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
    if (i == w.size()) return lp.fail("step '" + step.name + "' has no '-- PROGRAM ARGS...'");
    for (++i; i < w.size(); ++i) step.argv.emplace_back(w[i]);
    if (step.argv.empty()) return lp.fail("step '" + step.name + "' names no program after '--'");
    if (!lp.path(step.argv[0], "program")) return false;
    if (step.timeout_s == 0) return lp.fail("step '" + step.name + "' has no timeout=SECONDS");
    plan.steps.push_back(std::move(step));
    return true;
}

bool parse_line(const std::vector<std::string_view>& w, Plan& plan, LineParser& lp) {
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
    if (kw == "step") return parse_step(w, plan, lp);
    return lp.fail("unknown instruction '" + std::string(kw) +
                   "' (expected arch, epoch, env, mkdir, bind, copy, answers or step)");
}

} // namespace

bool is_known_arch(std::string_view arch) {
    return arch == "i386" || arch == "x86_64" || arch == "aarch64";
}

bool parse_plan(std::string_view text, std::string_view file, Plan& out, std::string& err) {
    Plan plan;
    LineParser lp{file, 0, err};
    bool header = false;
    for (std::string_view raw : split_lines(text)) {
        ++lp.line;
        auto w = split_words(raw);
        if (w.empty() || w[0][0] == '#') continue;
        if (!header) {
            if (w.size() != 2 || w[0] != "seedboot-plan" || w[1] != "1")
                return lp.fail("expected the header 'seedboot-plan 1'");
            header = true;
            continue;
        }
        if (!parse_line(w, plan, lp)) return false;
    }
    if (!header) return lp.fail("empty plan (expected the header 'seedboot-plan 1')");
    if (plan.arch.empty()) return lp.fail("the plan names no arch");
    out = std::move(plan);
    return true;
}

std::string format_plan(const Plan& plan) {
    std::string t =
        "seedboot-plan 1\narch " + plan.arch + "\nepoch " + std::to_string(plan.epoch) + "\n";
    for (const auto& e : plan.env) t += "env " + e + "\n";
    for (const auto& d : plan.mkdirs) t += "mkdir " + d + "\n";
    for (const auto& b : plan.binds) t += "bind " + b.from + " " + b.to + "\n";
    for (const auto& c : plan.copies) t += "copy " + c.from + " " + c.to + "\n";
    for (const auto& a : plan.answers) t += "answers " + a + "\n";
    for (const auto& s : plan.steps) {
        t += "step " + s.name + " timeout=" + std::to_string(s.timeout_s) + " cwd=" + s.cwd;
        for (size_t i = 0; i < s.outputs.size(); ++i) t += (i ? "," : " out=") + s.outputs[i];
        if (!s.answers.empty()) t += " answers=" + s.answers;
        if (s.expect_lines) t += " lines=" + std::to_string(s.expect_lines);
        t += " --";
        for (const auto& a : s.argv) t += " " + a;
        t += "\n";
    }
    return t;
}

} // namespace seedboot
