// seedboot disk: a GPT disk from a root squashfs, an empty ext4 work file
// system and (for UEFI) an ESP holding the kernel. Every GUID derives from the
// content, so the same inputs give the same bytes.
#include "commands.hpp"
#include "disk_image.hpp"
#include "spec.hpp"

#include <cstdio>

namespace builder {

int cmd_disk(const DiskArgs& a) {
    DiskContent c;
    c.arch = a.arch;
    c.root = a.root;
    c.kernel = a.kernel;
    c.epoch = a.epoch;
    c.work_for = a.work_for;
    if (!a.work_size.empty() && !parse_size(a.work_size, c.work_size))
        return error("--work-size '" + a.work_size + "' (expected a size like 64M or 2G)");
    if (c.root.empty() && c.work_size == 0 && c.kernel.empty())
        return error("seedboot disk needs --root, --work-size or --kernel (a disk with no "
                     "partitions is useless)");
    if (!a.work_for.empty() && (c.work_size == 0 || !c.root.empty()))
        return error("--work-for belongs to a work-only disk: give --work-size and no --root (with "
                     "--root, the work partition is that root's)");
    std::string err;
    if (!make_disk(c, a.out, err)) return error(err);
    std::printf("seedboot: wrote %s\n", a.out.c_str());
    return 0;
}

} // namespace builder
