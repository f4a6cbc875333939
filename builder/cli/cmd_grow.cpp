// seedboot grow: enlarge the work partition of a disk image after a run filled it; the next
// boot resumes where the run stopped (builder/disk/grow.hpp).
#include "command.hpp"

#include "builder/disk/grow.hpp"
#include "builder/spec/spec.hpp"

#include "libseedboot/platform.hpp"

#include <cstdio>

namespace builder::cli {

namespace {

struct GrowArgs {
    std::string disk, work_size;
};

int cmd_grow(const GrowArgs& a) {
    uint64_t size = 0;
    if (!parse_size(a.work_size, size) || size == 0)
        return error("--work-size '" + a.work_size + "' (expected a size like 64M or 2G)");
    GrowResult r;
    std::string err;
    if (!grow_work_partition(a.disk, size, "--work-size " + a.work_size, r, err)) return error(err);
    std::printf("seedboot: %s: %s grew from %.0f MiB to %.0f MiB; boot it again to resume "
                "(seedboot boot --resume, make qemu-ARCH RESUME=1)\n",
                a.disk.c_str(), seedboot::kWorkLabel, double(r.before) / (1 << 20),
                double(r.after) / (1 << 20));
    return 0;
}

} // namespace

void register_grow(CLI::App& app, Action& run) {
    auto [c, a] = add_command<GrowArgs>(
        app, run, "grow", "enlarge the work partition of a disk image (after a step filled it)",
        cmd_grow);
    c->add_option("disk", a->disk, "disk image or work image (a file)")->required();
    c->add_option("--work-size", a->work_size,
                  std::string("new size of ") + seedboot::kWorkLabel + " (64M, 2G)")
        ->required();
}

} // namespace builder::cli
