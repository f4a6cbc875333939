// seedboot preflight: checks that each file is a static PID 1 (image/pid1_preflight.hpp), for
// --arch or for whichever of seedboot's arches it was built for. The same check `pack`,
// `boot`, `images` and `release` make before a PID 1 goes anywhere.
#include "command.hpp"

#include "builder/image/pid1_preflight.hpp"

#include "libseedboot/platform.hpp"

namespace builder::cli {

namespace {

struct PreflightArgs {
    std::string arch; // empty: any
    std::vector<std::string> files;
};

int cmd_preflight(const PreflightArgs& a) {
    const seedboot::Arch* want = seedboot::find_arch(a.arch);
    if (!a.arch.empty() && !want)
        return error("--arch '" + a.arch + "' (expected " + std::string(seedboot::kArchNames) +
                     ")");
    int failed = 0;
    for (const auto& file : a.files) {
        ElfFacts facts;
        std::string err;
        if (!preflight_pid1(file, want, facts, err)) {
            error(err);
            ++failed;
            continue;
        }
        say(file + ": a static PID 1 for " + std::string(facts.arch->name) + " (" + facts.machine +
            ")");
    }
    return failed ? 1 : 0;
}

} // namespace

void register_preflight(CLI::App& app, Action& run) {
    auto [c, a] = add_command<PreflightArgs>(
        app, run, "preflight",
        "check that PID 1 binaries are static ELF executables for their arch", cmd_preflight);
    c->add_option("--arch", a->arch,
                  "the arch they must be for: " + std::string(seedboot::kArchNames));
    c->add_option("files", a->files, "PID 1 binaries")->required();
}

} // namespace builder::cli
