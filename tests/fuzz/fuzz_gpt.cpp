// The GPT reader: any bytes as a disk image must be read or refused with a message naming the
// image, never crash. The CRCs of a mutated input are repaired first (see fuzz_util.hpp) so
// that the checks behind them are reached. What it accepts has partitions inside the usable
// area that do not overlap, and find_partition finds each by its name.
#include "fuzz_util.hpp"

#include "builder/disk/gpt/gpt.hpp"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = fuzz::write_disk_temp("gpt", data, size);
    builder::DiskInfo info;
    std::string err;
    if (!builder::read_gpt_disk(path, info, err)) {
        fuzz::expect_named(err, path, "a GPT error does not name the image");
        if (!info.partitions.empty()) fuzz::fail("partitions left after a failed read");
        return 0;
    }
    if (info.size_bytes != size) fuzz::fail("disk size differs from the file size");
    auto parts = info.partitions;
    std::sort(parts.begin(), parts.end(),
              [](const auto& a, const auto& b) { return a.first_lba < b.first_lba; });
    for (size_t i = 0; i < parts.size(); i++) {
        const auto& p = parts[i];
        if (p.first_lba < 2 || p.first_lba > p.last_lba || (p.last_lba + 1) * 512 > size)
            fuzz::fail("a partition lies outside the disk", p.name);
        if (i > 0 && p.first_lba <= parts[i - 1].last_lba) fuzz::fail("partitions overlap", p.name);
    }
    for (const auto& p : info.partitions) {
        builder::PartitionInfo found;
        if (!builder::find_partition(path, p.name, found, err))
            fuzz::fail("find_partition misses a listed partition", err);
        if (found.name != p.name) fuzz::fail("find_partition found another name", p.name);
    }
    // format_guid/parse_guid are inverses.
    if (!(builder::parse_guid(builder::format_guid(info.disk_guid)) == info.disk_guid))
        fuzz::fail("parse_guid(format_guid(g)) != g");
    return 0;
}
