#include "builder/stagex/root/stage_image.hpp"

#include "builder/image/squashfs/squashfs.hpp"

#include "libseedboot/sys/atomic_file.hpp"

#include <filesystem>

namespace builder {

namespace fs = std::filesystem;

namespace {

// The reader gives normalized absolute paths (no "..", no empty names) and no entry
// below a symlink, so each lands under `dest` and nowhere else.
[[nodiscard]] bool write_entry(const ImageEntry& e, const std::string& dest, std::string& err) {
    std::string at = e.path == "/" ? dest : dest + e.path;
    std::error_code ec;
    switch (e.type) {
    case 'd':
        fs::create_directory(at, ec);
        break;
    case 'l':
        fs::create_symlink(e.data, at, ec);
        break;
    default:
        return seedboot::write_file_atomic(at, e.data, e.mode, err);
    }
    if (ec) err = at + ": " + ec.message();
    return !ec;
}

} // namespace

[[nodiscard]] bool unpack_stage_image(const std::string& image, const std::string& dest,
                                      std::string& err) {
    if (!fs::is_regular_file(image)) {
        err = image + ": an earlier stage's image is missing (make it with `make stagex-N` for "
                      "that stage, or name it in the spec's [stagex] images)";
        return false;
    }
    std::vector<ImageEntry> entries;
    if (!read_squashfs(image, entries, err)) return false;
    for (const auto& e : entries)
        if (!write_entry(e, dest, err)) return false;
    // Folder modes last: a read-only folder must not stop what goes into it.
    std::error_code ec;
    for (const auto& e : entries)
        if (e.type == 'd' && !ec)
            fs::permissions(e.path == "/" ? dest : dest + e.path, static_cast<fs::perms>(e.mode),
                            ec);
    if (ec) err = image + ": set folder modes under " + dest + ": " + ec.message();
    return !ec;
}

} // namespace builder
