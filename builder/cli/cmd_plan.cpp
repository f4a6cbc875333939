// seedboot plan: print the plan a spec compiles to for an arch, as the PID 1 will read it, so
// that a person can audit what an image will run before booting it.
#include "command.hpp"

#include "builder/image/root_image.hpp"
#include "builder/spec/spec.hpp"

#include "libseedboot/format/plan.hpp"
#include "libseedboot/platform.hpp"

#include <cstdio>

namespace builder::cli {

namespace {

struct PlanArgs {
    std::string spec, arch, build_dir, sources, until;
};

int cmd_plan(const PlanArgs& a) {
    Spec spec;
    std::string err;
    if (!load_spec(a.spec, spec, err) || !apply_options(spec, a.sources, a.until, err))
        return error(err);
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
    c->add_option("--arch", a->arch, std::string(seedboot::kArchNames))->required();
    c->add_option("--build-dir", a->build_dir, "what {build} in the spec stands for")
        ->default_val("build");
    c->add_option("--sources", a->sources, "folder of user-supplied upstream sources ({sources})");
    c->add_option("--until", a->until, "StageX stages: end with this step (see the full plan)");
}

} // namespace builder::cli
