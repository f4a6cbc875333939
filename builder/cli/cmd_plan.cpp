// seedboot plan: print the plan a spec compiles to for an arch, as the PID 1 will read it, so
// that a person can audit what an image will run before booting it. A StageX stage's plan
// comes from StageX's files alone and is followed by `#` lines (the plan parser skips them)
// saying what running it needs: each fetched file and whether the fetch folder has it right,
// and each earlier stage's image it starts from.
#include "command.hpp"

#include "builder/pack/root_image.hpp"
#include "builder/spec/spec.hpp"
#include "builder/stagex/root/stage_root.hpp"

#include "libseedboot/format/plan.hpp"
#include "libseedboot/platform.hpp"

#include <cstdio>

namespace builder::cli {

namespace {

struct PlanArgs {
    std::string spec, arch, build_dir, sources, until;
};

std::string needs_comment(const StagexPlan& p, uint64_t stage) {
    std::string out = "# build stages, in the " + p.plan.arch + " guest:";
    for (size_t i = 0; i < p.plan.roots.size(); ++i)
        out += std::string(i ? "," : "") + " " + p.plan.roots[i] + " (" + p.platforms[i] + ")";
    out += "\n# needs, beyond StageX's files:\n";
    size_t bad = 0;
    for (const auto& f : p.fetched) {
        bad += !f.problem.empty();
        out += "#   fetched " + f.name + ", first by step " + f.step + ": " +
               (f.problem.empty() ? "ok" : f.problem + " (" + f.path + ")") + "\n";
    }
    for (const auto& i : p.images)
        out += "#   image " + i.name + " (our StageX stage " +
               i.name.substr(i.name.rfind("stage") + 5) + "'s output), first by step " + i.step +
               ": " + (i.problem.empty() ? "ok" : i.problem) +
               (i.path.empty() ? "" : " (" + i.path + ")") + "\n";
    out += "# " + std::to_string(p.fetched.size()) +
           " fetched file(s): " + std::to_string(p.fetched.size() - bad) + " present and right, " +
           std::to_string(bad) + " missing or wrong in " + p.fetch;
    if (bad)
        out +=
            " (pack and boot refuse the plan until `make sources STAGE=" + std::to_string(stage) +
            " SOURCES=DIR` fetched them)";
    return out + "\n# " + std::to_string(p.images.size()) + " earlier stage image(s)\n";
}

int cmd_plan(const PlanArgs& a) {
    Spec spec;
    std::string err;
    if (!load_spec(a.spec, spec, err) || !apply_options(spec, a.sources, a.until, err))
        return error(err);
    if (spec.has_stagex) {
        StagexPlan p;
        if (!stagex_plan(spec, a.arch, a.build_dir, p, err)) return error(err);
        std::fputs((seedboot::format_plan(p.plan) + needs_comment(p, spec.stagex.stage)).c_str(),
                   stdout);
        return 0;
    }
    RootImage img;
    // The plan does not depend on the PID 1 binary; any existing file stands in for it.
    if (!compose_root_image(spec, a.arch, "/proc/self/exe", a.build_dir, img, err))
        return error(err);
    std::fputs(seedboot::format_plan(img.plan).c_str(), stdout);
    return 0;
}

} // namespace

void register_plan(CLI::App& app, Action& run) {
    auto [c, a] = add_command<PlanArgs>(app, run, "plan",
                                        "print the plan a spec compiles to for an arch", cmd_plan);
    c->add_option("spec", a->spec, "image spec")->required();
    add_arch(*c, a->arch);
    add_build_dir(*c, a->build_dir);
    add_sources(*c, a->sources);
    c->add_option("--until", a->until, "StageX stages: end with this step (see the full plan)");
}

} // namespace builder::cli
