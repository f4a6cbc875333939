#include "esp_image.hpp"

#include "libseedboot/sys/subprocess.hpp"

#include "builder/disk/gpt/gpt.hpp"

#include <filesystem>
#include <unistd.h>

namespace builder {

[[nodiscard]] bool make_esp(const seedboot::Arch& arch, const std::string& kernel,
                            const std::string& seed, uint64_t epoch, const std::string& out,
                            uint64_t& size, std::string& err) {
    std::error_code ec;
    uint64_t ksize = std::filesystem::file_size(kernel, ec);
    if (ec) {
        err = kernel + ": kernel not found (build it with make kernel-" + std::string(arch.name) +
              ")";
        return false;
    }
    // FAT32 needs 65525 clusters: 34 MiB at one sector a cluster is the floor.
    const uint64_t mib = 1 << 20;
    size = std::max<uint64_t>(34 * mib, (ksize + 4 * mib + mib - 1) / mib * mib);
    // The volume id is the only varying field mkfs.fat would invent: derive it.
    std::string volume_id = format_guid(derived_guid("esp:" + seed)).substr(0, 8);
    ::unlink(out.c_str());
    // mtools reads a user's ~/.mtoolsrc and stamps files with the clock unless told not to.
    std::vector<std::string> env = {"SOURCE_DATE_EPOCH=" + std::to_string(epoch),
                                    "MTOOLSRC=/dev/null", "MTOOLS_SKIP_CHECK=1"};
    std::string dest = "::/EFI/BOOT/" + std::string(arch.efi_boot_file);
    return seedboot::run_program({"mkfs.fat", "-F", "32", "-s", "1", "-S", "512", "--invariant",
                                  "-i", volume_id, "-n", "SEEDBOOT", "-C", out,
                                  std::to_string(size / 1024)},
                                 env, err) &&
           seedboot::run_program({"mmd", "-i", out, "::/EFI", "::/EFI/BOOT"}, env, err) &&
           seedboot::run_program({"mcopy", "-i", out, kernel, dest}, env, err);
}

} // namespace builder
