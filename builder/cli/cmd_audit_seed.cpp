// seedboot audit-seed: is a seed binary the exact assembly of its hex0 source? The check a
// person runs before trusting a seed, and the one the PID 1 runs before executing it.
#include "command.hpp"

#include "libseedboot/format/hex0.hpp"
#include "libseedboot/sys/files.hpp"

namespace builder::cli {

namespace {

struct AuditSeedArgs {
    std::string source, binary;
};

int cmd_audit_seed(const AuditSeedArgs& a) {
    std::string src, bin, err;
    if (!seedboot::read_file(a.source, "hex0 source", src, err) ||
        !seedboot::read_file(a.binary, "seed binary", bin, err))
        return error(err);
    if (auto m = seedboot::hex0_audit(src, bin))
        return error(a.binary + " is not the assembly of " + a.source + ": " +
                     seedboot::describe(*m));
    say("seedboot: " + a.binary + " is the exact assembly of " + a.source + " (" +
        std::to_string(bin.size()) + " bytes)");
    return 0;
}

} // namespace

void register_audit_seed(CLI::App& app, Action& run) {
    auto [c, a] = add_command<AuditSeedArgs>(
        app, run, "audit-seed", "check that a seed binary is the exact assembly of its hex0 source",
        cmd_audit_seed);
    c->add_option("source", a->source, "annotated hex0 source")->required();
    c->add_option("binary", a->binary, "seed binary")->required();
}

} // namespace builder::cli
