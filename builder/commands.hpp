// The seedboot subcommands, one file each; main.cpp only wires the command line.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace builder {

struct PackArgs {
    std::string spec, arch, init, build_dir, out;
    unsigned workers = 2;
    std::string sources;     // {sources}; empty: the spec's default (../sources)
    std::string block_cache; // --block-cache DIR; empty: none (squashfs_image.hpp)
};
int cmd_pack(const PackArgs& a);

struct DiskArgs {
    std::string arch, root, kernel, out;
    std::string work_size; // empty: no work partition
    std::string work_for;  // a work-only disk's root image (its /identity names the partition)
    uint64_t epoch = 1;
};
int cmd_disk(const DiskArgs& a);

struct BootArgs {
    std::string spec, arch, kernel, init, build_dir, out_dir;
    std::string sources;
    bool uefi = false;
    bool resume = false;    // keep the work disk of the previous run
    unsigned timeout_s = 0; // 0: the spec's boot_timeout
    bool quiet = false;
    std::string power_cut_after;     // test hook, see qemu::RunOptions
    std::string disk_bus = "virtio"; // qemu::BootConfig::disk_bus
    bool screen = false;             // a display (not shown); the guest holds the result on it
    std::string monitor;             // a QEMU monitor socket (screendump)
    std::vector<std::string> attach; // more disks after the run's own (another seedboot disk)
};
int cmd_boot(const BootArgs& a);

struct ImagesArgs {
    std::string specs = "images", build_dir = "build", out = "out";
    std::string sources;       // {sources}; empty: the spec's default
    bool skip_missing = false; // leave out specs whose locked upstream sources are not supplied
    std::string block_cache;   // --block-cache DIR for every root image; empty: none
};
int cmd_images(const ImagesArgs& a);

// Checks DIR/SHA256SUMS, writes DIR/INPUTS, signs both as FILE.minisig.NAME (cmd_release.cpp).
struct ReleaseArgs {
    std::string dir, key;
    std::string name; // empty: the key id
    std::string specs = "images", build_dir = "build";
};
int cmd_release(const ReleaseArgs& a);

int cmd_status(const std::string& image);
int cmd_grow(const std::string& disk, const std::string& work_size);
int cmd_extract(const std::string& image, const std::string& path, const std::string& out);
struct PackDirArgs {
    std::string dir, out;
    uint64_t epoch = 1;
    std::string block_cache; // --block-cache DIR; empty: none
};
int cmd_pack_dir(const PackDirArgs& a);

int cmd_lock(const std::string& path, const std::string& name);

int cmd_audit_seed(const std::string& source, const std::string& binary);
int cmd_plan(const std::string& spec, const std::string& arch, const std::string& build_dir);

// keygen, sign and verify (cmd_sign.cpp).
void add_signing_commands(CLI::App& app, std::function<int()>& run);

// Prints "seedboot: error: <what>" to stderr and returns 1.
int error(const std::string& what);

} // namespace builder
