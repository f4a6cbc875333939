#include "init/work/work_disk.hpp"

#include "init/console/console.hpp"
#include "init/work/work_choice.hpp"

#include "libseedboot/platform.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/files.hpp"

#include <algorithm>
#include <blkid/blkid.h>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace init {

namespace {

using seedboot::Fd;
using seedboot::kRootLabel;
using seedboot::kWorkLabel;

constexpr const char* kIdentity = "/identity";

// A sysfs attribute, quietly: a disk may go away between the listing and the read.
[[nodiscard]] bool read_attr(const std::string& path, std::string& out) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.ok()) return false;
    char buf[4096];
    ssize_t n;
    do n = ::read(fd.get(), buf, sizeof buf);
    while (n < 0 && errno == EINTR);
    if (n < 0) return false;
    out.assign(buf, static_cast<size_t>(n));
    return true;
}

// KEY=value from a uevent file's lines.
std::string uevent_value(const std::string& uevent, const std::string& key) {
    std::string want = "\n" + key + "=", text = "\n" + uevent;
    size_t at = text.find(want);
    if (at == std::string::npos) return "";
    at += want.size();
    return text.substr(at, text.find('\n', at) - at);
}

// The whole disk a block device belongs to, from its sysfs path (.../block/vda/vda3): the
// parent of a partition, or the device itself.
std::string disk_of(const std::string& sys_link) {
    char target[4096];
    ssize_t n = ::readlink(sys_link.c_str(), target, sizeof target - 1);
    if (n <= 0) return "";
    std::string path(target, static_cast<size_t>(n));
    size_t last = path.rfind('/');
    if (last == std::string::npos || last == 0) return "";
    size_t before = path.rfind('/', last - 1);
    std::string self = path.substr(last + 1);
    std::string parent = path.substr(before + 1, last - before - 1);
    return parent == "block" ? self : parent;
}

struct Probe {
    blkid_probe p;
    explicit Probe(const std::string& dev) : p(blkid_new_probe_from_filename(dev.c_str())) {}
    Probe(const Probe&) = delete;
    Probe& operator=(const Probe&) = delete;
    ~Probe() {
        if (p) blkid_free_probe(p);
    }
};

// Partition `partno`'s unique GUID from the GPT of `disk` (/dev/vdb); empty if libblkid
// cannot read it. The whole disk's table, GPT only: probing the partition's own device
// would first look for every table type inside its file system, then open the disk
// anyway, and under TCG each read is a disk request through QEMU.
std::string partuuid(const std::string& disk, int partno) {
    Probe pr(disk);
    if (!pr.p) return "";
    char gpt[] = "gpt";
    char* only[] = {gpt, nullptr};
    blkid_probe_enable_superblocks(pr.p, 0);
    blkid_probe_enable_partitions(pr.p, 1);
    if (blkid_probe_filter_partitions_type(pr.p, BLKID_FLTR_ONLYIN, only) != 0) return "";
    blkid_partlist list = blkid_probe_get_partitions(pr.p);
    blkid_partition part = list ? blkid_partlist_get_partition_by_partno(list, partno) : nullptr;
    const char* uuid = part ? blkid_partition_get_uuid(part) : nullptr;
    return uuid ? uuid : "";
}

// The block devices the kernel knows, in name order (readdir's order is the kernel's).
std::vector<std::string> block_devices() {
    std::vector<std::string> names;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir("/sys/class/block"), ::closedir);
    if (!dir) return names;
    while (dirent* e = ::readdir(dir.get()))
        if (e->d_name[0] != '.') names.push_back(e->d_name);
    std::sort(names.begin(), names.end());
    return names;
}

// Every partition named seedboot-work, and the disks other than `root_disk` that carry a
// seedboot root (another seedboot disk is attached).
void list_partitions(const std::string& root_disk, std::vector<WorkCandidate>& work,
                     std::string& other_roots) {
    work.clear();
    other_roots.clear();
    for (const std::string& name : block_devices()) {
        std::string uevent;
        if (!read_attr("/sys/class/block/" + name + "/uevent", uevent)) continue;
        std::string label = uevent_value(uevent, "PARTNAME");
        if (label != kWorkLabel && label != kRootLabel) continue;
        std::string disk = disk_of("/sys/class/block/" + name);
        if (label == kRootLabel) {
            if (disk != root_disk) other_roots += (other_roots.empty() ? "" : ", ") + disk;
            continue;
        }
        std::string dev = "/dev/" + uevent_value(uevent, "DEVNAME");
        int partno = std::atoi(uevent_value(uevent, "PARTN").c_str());
        work.push_back({dev, disk, partno > 0 ? partuuid("/dev/" + disk, partno) : ""});
    }
}

[[nodiscard]] bool read_identity(std::string& identity) {
    std::string err;
    if (!seedboot::read_file(kIdentity, "image identity", identity, err, 64)) return fail(err);
    bool ok = identity.size() == 37 && identity.back() == '\n';
    for (size_t i = 0; ok && i < 36; ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        ok = dash ? identity[i] == '-' : std::isxdigit(static_cast<unsigned char>(identity[i]));
    }
    if (!ok)
        return fail(std::string(kIdentity) +
                    " is not one GUID line (the root image is damaged, or not seedboot's)");
    identity.pop_back();
    return true;
}

[[nodiscard]] bool root_disk(std::string& disk, std::string& device) {
    struct stat st {};
    if (::stat("/", &st) != 0) return fail_errno("stat /");
    std::string link = "/sys/dev/block/" + std::to_string(major(st.st_dev)) + ":" +
                       std::to_string(minor(st.st_dev));
    disk = disk_of(link);
    std::string uevent;
    if (disk.empty() || !read_attr(link + "/uevent", uevent))
        return fail("cannot tell which disk holds the root (" + link +
                    " is missing): refusing to pick a work partition");
    device = "/dev/" + uevent_value(uevent, "DEVNAME");
    return true;
}

} // namespace

[[nodiscard]] bool find_cache_partition(std::string& device, std::string& why) {
    std::vector<std::string> found;
    for (const std::string& name : block_devices()) {
        std::string uevent;
        if (!read_attr("/sys/class/block/" + name + "/uevent", uevent)) continue;
        if (uevent_value(uevent, "PARTNAME") != seedboot::kCacheLabel) continue;
        found.push_back("/dev/" + uevent_value(uevent, "DEVNAME"));
    }
    if (found.size() == 1) {
        device = found[0];
        return true;
    }
    why = found.empty() ? std::string("no partition is named ") + seedboot::kCacheLabel
                        : std::to_string(found.size()) + " partitions are named " +
                              seedboot::kCacheLabel + " (expected one): none is used";
    return false;
}

[[nodiscard]] bool find_work_partition(int wait_s, std::string& device) {
    std::string identity, disk, root_dev, other_roots;
    if (!read_identity(identity) || !root_disk(disk, root_dev)) return false;
    std::vector<WorkCandidate> found;
    const double give_up = seconds_since_boot() + wait_s;
    for (bool first = true;; first = false) {
        list_partitions(disk, found, other_roots);
        WorkChoice c = choose_work(found, disk, identity);
        if (c.what == Choice::take) {
            device = found[c.index].device;
            say("root " + root_dev + ", work partition " + device + ": made for this image, " +
                c.why);
            std::string others = left_alone(found, c.index, identity);
            if (!others.empty() || !other_roots.empty())
                say("other seedboot disks, left alone: " +
                    (other_roots.empty() ? "" : "roots on " + other_roots) +
                    (others.empty() || other_roots.empty() ? "" : "; ") +
                    (others.empty() ? "" : "work partitions " + others));
            return true;
        }
        if (c.what == Choice::refuse) return fail(c.why + "; nothing was written");
        if (seconds_since_boot() >= give_up)
            return fail(c.why + ", after waiting " + std::to_string(wait_s) + " s");
        if (first)
            say("waiting up to " + std::to_string(wait_s) +
                " s for this image's work partition (a late disk?)");
        sleep_ms(100);
    }
}

} // namespace init
