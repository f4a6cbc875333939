// parse_plan on any bytes must return true or false with a message, never crash; and a plan
// it accepts must survive format_plan: parse(format(parse(x))) == parse(x), and formatting is
// a fixed point (format(parse(format(p))) == format(p)).
#include "fuzz_util.hpp"

#include "libseedboot/format/plan.hpp"

namespace {

bool same(const seedboot::PlanStep& a, const seedboot::PlanStep& b) {
    return a.name == b.name && a.action == b.action && a.root == b.root &&
           a.timeout_s == b.timeout_s && a.cwd == b.cwd && a.env == b.env &&
           a.outputs == b.outputs && a.expect_lines == b.expect_lines && a.answers == b.answers &&
           a.base == b.base && a.from == b.from && a.chmod == b.chmod && a.argv == b.argv;
}

bool same(const seedboot::PlanMapping& a, const seedboot::PlanMapping& b) {
    return a.from == b.from && a.to == b.to;
}

template <typename T> bool same_list(const std::vector<T>& a, const std::vector<T>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++)
        if (!same(a[i], b[i])) return false;
    return true;
}

bool same(const seedboot::Plan& a, const seedboot::Plan& b) {
    return a.arch == b.arch && a.epoch == b.epoch && a.env == b.env && a.mkdirs == b.mkdirs &&
           same_list(a.binds, b.binds) && same_list(a.copies, b.copies) && a.answers == b.answers &&
           a.roots == b.roots && a.digest_root == b.digest_root && same_list(a.steps, b.steps);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    seedboot::Plan plan;
    std::string err;
    if (!seedboot::parse_plan(fuzz::as_text(data, size), "/plan", plan, err)) {
        fuzz::expect_named(err, "/plan", "a plan error does not name the file");
        return 0;
    }
    if (plan.arch.empty() || !seedboot::is_known_arch(plan.arch))
        fuzz::fail("an accepted plan has no known arch", plan.arch);
    if (plan.steps.size() > seedboot::kMaxPlanSteps) fuzz::fail("more steps than the limit");
    fuzz::check_round_trip(
        plan, [](auto t, auto& p, auto& e) { return seedboot::parse_plan(t, "/plan", p, e); },
        [](const auto& x) { return seedboot::format_plan(x); },
        [](const auto& a, const auto& b) { return same(a, b); }, "plan");
    return 0;
}
