// Image specs (toml++ and the spec reader): any bytes written to a .toml file must load or be
// refused with "FILE:LINE: ...", never crash; what loads passes the checks the reader promises.
#include "fuzz_util.hpp"

#include "builder/spec/spec.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/platform.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = fuzz::write_temp("spec.toml", data, size);
    builder::Spec spec;
    std::string err;
    if (!builder::load_spec(path, spec, err)) {
        fuzz::expect_named(err, path, "a spec error does not name the file");
        return 0;
    }
    if (spec.arches.empty()) fuzz::fail("a loaded spec has no arches");
    for (const auto& a : spec.arches)
        if (!seedboot::find_arch(a)) fuzz::fail("a loaded spec has an unknown arch", a);
    if (spec.steps.empty()) fuzz::fail("a loaded spec has no steps");
    if (spec.work_size < (16ull << 20)) fuzz::fail("work_size below 16M");
    for (const auto& s : spec.steps) {
        if (!seedboot::is_clean_name(s.name) || s.run.empty() || s.timeout_s == 0 ||
            !seedboot::is_clean_abs_path(s.run[0]) || !seedboot::is_clean_abs_path(s.cwd))
            fuzz::fail("a loaded step breaks the spec rules", s.name);
        for (const auto& a : spec.arches) (void)builder::expand(spec, s.run[0], a);
    }
    for (const auto& src : spec.sources)
        if (!seedboot::is_clean_name(src.name) || !seedboot::is_clean_abs_path(src.into))
            fuzz::fail("a loaded source breaks the spec rules", src.name);
    return 0;
}
