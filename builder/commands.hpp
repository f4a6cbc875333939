// The seedboot subcommands, one file each; main.cpp only wires the command line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace builder {

struct PackArgs {
    std::string spec, arch, init, build_dir, out;
    unsigned workers = 2;
};
int cmd_pack(const PackArgs& a);

struct DiskArgs {
    std::string arch, root, kernel, out;
    std::string work_size; // empty: no work partition
    uint64_t epoch = 1;
};
int cmd_disk(const DiskArgs& a);

struct BootArgs {
    std::string spec, arch, kernel, init, build_dir, out_dir;
    bool uefi = false;
    bool resume = false;    // keep the work disk of the previous run
    unsigned timeout_s = 0; // 0: the spec's boot_timeout
    bool quiet = false;
};
int cmd_boot(const BootArgs& a);

int cmd_audit_seed(const std::string& source, const std::string& binary);
int cmd_plan(const std::string& spec, const std::string& arch);

// Prints "seedboot: error: <what>" to stderr and returns 1.
int error(const std::string& what);

} // namespace builder
