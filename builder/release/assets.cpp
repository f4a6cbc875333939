#include "assets.hpp"

#include "cli_mark.hpp"

#include "builder/image/pid1_preflight.hpp"
#include "builder/spec/locate.hpp"

#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/files.hpp"

#include <algorithm>
#include <filesystem>

namespace builder {

namespace {

namespace fs = std::filesystem;

constexpr uint64_t kAssetLimit = uint64_t{1} << 30; // a kernel is about 10 MiB, a .deb 11

std::string init_name(const seedboot::Arch& a) {
    return "seedboot-init-" + std::string(a.name);
}
std::string kernel_name(const seedboot::Arch& a) {
    return "seedboot-kernel-" + std::string(a.name);
}
std::string cli_name(const seedboot::Arch& a) {
    return "seedboot-" + std::string(a.name);
}

// `from` as OUT/NAME, with `mode`; a file that already is OUT/NAME (make dist's .deb) stays.
[[nodiscard]] bool copy_in(const std::string& from, const std::string& out, const std::string& name,
                           mode_t mode, std::vector<Sum>& sums, std::string& err) {
    std::string to = out + "/" + name, data;
    std::error_code ec;
    if (!fs::equivalent(from, to, ec)) {
        if (!seedboot::read_file(from, "release asset", data, err, kAssetLimit) ||
            !seedboot::write_file_atomic(to, data, mode, err))
            return false;
    }
    sums.emplace_back();
    return sum_of(out, name, sums.back(), err);
}

[[nodiscard]] bool arch_assets(const AssetsRequest& r, const seedboot::Arch& arch,
                               std::vector<Sum>& sums, std::string& err) {
    Located pid1, kernel;
    ElfFacts facts;
    std::string config;
    return locate_pid1("", r.build_dir, arch, pid1, err) &&
           preflight_pid1(pid1.path, &arch, facts, err) &&
           locate_kernel("", r.build_dir, arch, kernel, err) &&
           kernel_config_of(kernel.path, config, err) &&
           copy_in(pid1.path, r.out, init_name(arch), 0755, sums, err) &&
           copy_in(kernel.path, r.out, kernel_name(arch), 0644, sums, err) &&
           copy_in(config, r.out, kernel_name(arch) + ".config", 0644, sums, err);
}

// The CLI's mark in the file at `path` (read whole: a static CLI is about 50 MB).
[[nodiscard]] bool check_cli_mark(const std::string& path, std::string& err) {
    std::string data;
    if (!seedboot::read_file(path, "static seedboot CLI", data, err, kAssetLimit)) return false;
    if (data.find(kCliMark) != std::string::npos) return true;
    err = path + ": a static program, but not seedboot's CLI (it lacks the CLI's mark; expected "
                 "the output of make static-cli, not a PID 1 or another tool)";
    return false;
}

// A static CLI that check_assets passed, named for the arch its ELF headers say.
[[nodiscard]] bool cli_asset(const std::string& cli, const std::string& out, std::vector<Sum>& sums,
                             std::string& err) {
    ElfFacts facts;
    return preflight_pid1(cli, nullptr, facts, err) &&
           copy_in(cli, out, cli_name(*facts.arch), 0755, sums, err);
}

// A name the release itself gives: an arch's asset, SHA256SUMS, INPUTS, an image.
bool reserved_name(const std::string& name) {
    return asset_arch(name) != nullptr || name == "SHA256SUMS" || name == "INPUTS" ||
           name.ends_with(".img") || name.ends_with(".sqfs");
}

} // namespace

std::vector<std::string> asset_names(const seedboot::Arch& arch) {
    return {init_name(arch), kernel_name(arch), kernel_name(arch) + ".config", cli_name(arch)};
}

const seedboot::Arch* asset_arch(const std::string& name) {
    for (const auto& a : seedboot::kArches)
        for (const auto& n : asset_names(a))
            if (n == name) return &a;
    return nullptr;
}

[[nodiscard]] bool kernel_config_of(const std::string& kernel, std::string& config,
                                    std::string& err) {
    std::string beside = seedboot::parent_dir(kernel) + "/.config", named = kernel + ".config";
    for (const auto& c : {beside, named})
        if (fs::is_regular_file(c)) {
            config = c;
            return true;
        }
    err = kernel + ": no kernel configuration beside it (expected " + beside + " or " + named +
          ", as make kernel-ARCH and make install leave it)";
    return false;
}

[[nodiscard]] bool check_assets(const AssetsRequest& r, std::string& err) {
    std::vector<const seedboot::Arch*> cli_arches;
    for (const auto& cli : r.clis) {
        ElfFacts facts;
        if (!preflight_pid1(cli, nullptr, facts, err) || !check_cli_mark(cli, err)) return false;
        if (std::find(cli_arches.begin(), cli_arches.end(), facts.arch) != cli_arches.end()) {
            err = cli + ": a second CLI for " + std::string(facts.arch->name) +
                  " (expected one --cli per arch)";
            return false;
        }
        cli_arches.push_back(facts.arch);
    }
    std::vector<std::string> names;
    for (const auto& file : r.extra) {
        std::string name = fs::path(file).filename().string();
        if (!fs::is_regular_file(file)) {
            err = file + ": not a regular file (expected a file to ship as a release asset)";
            return false;
        }
        if (reserved_name(name) || std::find(names.begin(), names.end(), name) != names.end()) {
            err = file + ": its name '" + name +
                  "' is taken by another file of the release (expected a name of its own)";
            return false;
        }
        names.push_back(name);
    }
    return true;
}

[[nodiscard]] bool write_assets(const AssetsRequest& r,
                                const std::vector<const seedboot::Arch*>& arches,
                                std::vector<Sum>& sums, std::string& err) {
    for (const auto* arch : arches)
        if (!arch_assets(r, *arch, sums, err)) return false;
    for (const auto& cli : r.clis)
        if (!cli_asset(cli, r.out, sums, err)) return false;
    for (const auto& file : r.extra)
        if (!copy_in(file, r.out, fs::path(file).filename().string(), 0644, sums, err))
            return false;
    return true;
}

} // namespace builder
