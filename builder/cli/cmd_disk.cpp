// seedboot disk: a GPT disk from a root squashfs, an empty ext4 work file system and (for
// UEFI) an ESP holding the kernel. Every GUID derives from the content, so the same inputs
// give the same bytes.
#include "command.hpp"

#include "builder/disk/disk_image.hpp"
#include "builder/image/image_identity.hpp"
#include "builder/image/squashfs/squashfs.hpp"
#include "builder/spec/spec.hpp"

#include "libseedboot/platform.hpp"

namespace builder::cli {

namespace {

struct DiskArgs {
    std::string arch, root, kernel, out;
    std::string work_size; // empty: no work partition
    std::string work_for;  // a work-only disk's root image (its /identity names the partition)
    uint64_t epoch = 1;
};

int cmd_disk(const DiskArgs& a) {
    DiskContent c{.arch = a.arch, .kernel = a.kernel, .root = a.root, .epoch = a.epoch};
    if (!a.work_size.empty() && !parse_size(a.work_size, c.work_size))
        return error("--work-size '" + a.work_size + "' (expected a size like 64M or 2G)");
    if (c.root.empty() && c.work_size == 0 && c.kernel.empty())
        return error("seedboot disk needs --root, --work-size or --kernel (a disk with no "
                     "partitions is useless)");
    if (!a.work_for.empty() && (c.work_size == 0 || !c.root.empty()))
        return error("--work-for belongs to a work-only disk: give --work-size and no --root (with "
                     "--root, the work partition is that root's)");
    std::string err;
    // A root image the kernel cannot mount would only end in a kernel panic at boot.
    if (!c.root.empty() && !check_squashfs(c.root, err)) return error("--root " + err);
    // The PID 1 takes only a work partition whose PARTUUID is its image's identity.
    const std::string& owner = c.root.empty() ? a.work_for : c.root;
    if (c.work_size && !owner.empty() && !read_image_identity(owner, c.work_identity, err))
        return error(err);
    if (!make_disk(c, a.out, err)) return error(err);
    say("seedboot: wrote " + a.out);
    return 0;
}

} // namespace

void register_disk(CLI::App& app, Action& run) {
    auto [c, a] = add_command<DiskArgs>(
        app, run, "disk", "GPT disk image: [ESP with the kernel] [root squashfs] [empty ext4 work]",
        cmd_disk);
    add_arch(*c, a->arch);
    c->add_option("--root", a->root,
                  std::string("root squashfs for the ") + seedboot::kRootLabel + " partition");
    c->add_option("--work-size", a->work_size,
                  std::string("size of the ") + seedboot::kWorkLabel + " partition (64M, 2G)");
    c->add_option("--work-for", a->work_for,
                  "root squashfs whose PID 1 may use this disk's work partition (a work-only "
                  "disk for direct kernel boot)");
    c->add_option("--kernel", a->kernel, "EFI-stub kernel: adds an ESP that boots it");
    c->add_option("--epoch", a->epoch, "timestamp for everything in the disk (SOURCE_DATE_EPOCH)");
    c->add_option("-o,--output", a->out, "disk image to write")->required();
}

} // namespace builder::cli
