// Release assets: what `seedboot images` puts beside the disk images, for users who build
// their own images or boot on their own machine, each listed in SHA256SUMS and so covered by
// the release's signatures:
//   seedboot-init-ARCH           the PID 1, static (it passed image/pid1_preflight.hpp)
//   seedboot-kernel-ARCH         the kernel the images boot
//   seedboot-kernel-ARCH.config  its full configuration (build-kernel.sh's resolved .config)
//   seedboot-ARCH                the seedboot CLI, static, when given (make static-cli)
//   any extra file given         a package of the CLI, for example (make dist's .deb)
// They are copies of the files the images were made from, so the same inputs give the same
// bytes, as for the images.
#pragma once

#include "sums.hpp"

#include "libseedboot/platform.hpp"

#include <string>
#include <vector>

namespace builder {

struct AssetsRequest {
    std::string build_dir = "build"; // where the kernels and PID 1s were built
    std::string out = "out";         // the release folder
    std::vector<std::string> clis;   // static seedboot CLIs, each shipped as seedboot-ARCH
    std::vector<std::string> extra;  // files copied in as they are, under their own names
};

// The asset names of one arch, in SHA256SUMS's order (the CLI's last).
std::vector<std::string> asset_names(const seedboot::Arch& arch);

// The arch an asset name is for ("seedboot-init-x86_64" -> x86_64, "seedboot-aarch64" ->
// aarch64); null for other names.
const seedboot::Arch* asset_arch(const std::string& name);

// The kernel's configuration beside it: FOLDER/.config (the build folder's layout) or
// KERNEL.config (the installed one). `err` names both when neither exists.
[[nodiscard]] bool kernel_config_of(const std::string& kernel, std::string& config,
                                    std::string& err);

// Checks what the request ships before any image is built, so that a wrong --cli or --asset
// fails at once: each CLI passes the static preflight, holds the CLI's mark (cli_mark.hpp) and
// is the only one for its arch; each extra file is a regular file with a name of its own.
[[nodiscard]] bool check_assets(const AssetsRequest& r, std::string& err);

// Once check_assets(r) passed: copies each arch's PID 1 (after the preflight), kernel and
// kernel config, then each CLI (named for the arch its ELF headers give), then the extra files,
// into r.out; `sums` gets a line for each.
[[nodiscard]] bool write_assets(const AssetsRequest& r,
                                const std::vector<const seedboot::Arch*>& arches,
                                std::vector<Sum>& sums, std::string& err);

} // namespace builder
