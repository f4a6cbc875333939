// seedboot audit-seed and seedboot plan: the two read-only checks a person runs
// before trusting an image.
#include "commands.hpp"
#include "root_image.hpp"
#include "source_lock.hpp"
#include "spec.hpp"

#include "hex0.hpp"
#include "plan.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace builder {

namespace {

bool slurp(const std::string& path, std::string& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    std::ostringstream s;
    s << f.rdbuf();
    out = s.str();
    return !f.bad();
}

} // namespace

int cmd_audit_seed(const std::string& source, const std::string& binary) {
    std::string src, bin;
    if (!slurp(source, src)) return error(source + ": cannot read the hex0 source");
    if (!slurp(binary, bin)) return error(binary + ": cannot read the seed binary");
    if (auto m = seedboot::hex0_audit(src, bin))
        return error(binary + " is not the assembly of " + source + ": " + seedboot::describe(*m));
    std::printf("seedboot: %s is the exact assembly of %s (%zu bytes)\n", binary.c_str(),
                source.c_str(), bin.size());
    return 0;
}

int cmd_lock(const std::string& path, const std::string& name) {
    std::string text, err;
    if (!make_lock_text(path, name, text, err)) return error(err);
    std::fputs(text.c_str(), stdout);
    return 0;
}

int cmd_plan(const std::string& spec_path, const std::string& arch, const std::string& build_dir) {
    Spec spec;
    std::string err;
    if (!load_spec(spec_path, spec, err)) return error(err);
    RootImage img;
    // The plan does not depend on the PID 1 binary; any existing file stands in for it.
    if (!compose_root_image(spec, arch, "/proc/self/exe", build_dir, img, err)) return error(err);
    std::fputs(seedboot::format_plan(img.plan).c_str(), stdout);
    return 0;
}

} // namespace builder
