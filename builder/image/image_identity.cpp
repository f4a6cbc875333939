#include "image_identity.hpp"

#include "builder/image/squashfs/squashfs.hpp"

#include "libseedboot/sys/files.hpp"
#include "libseedboot/sys/sha256.hpp"

namespace builder {

namespace {

[[nodiscard]] bool is_guid_text(const std::string& s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        bool hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F');
        if (dash ? s[i] != '-' : !hex) return false;
    }
    return true;
}

} // namespace

[[nodiscard]] bool image_identity(const std::string& plan, const std::string& manifest,
                                  const std::string& init, Guid& out, std::string& err) {
    std::string init_digest;
    uint64_t size = 0;
    if (!seedboot::sha256_file(init, init_digest, size, err)) {
        err += " (the PID 1 binary)";
        return false;
    }
    out = derived_guid("seedboot-identity\nplan " + seedboot::sha256_hex(plan) + "\nmanifest " +
                       seedboot::sha256_hex(manifest) + "\ninit " + init_digest + "\n");
    return true;
}

std::string identity_file(const Guid& identity) {
    return format_guid(identity) + "\n";
}

[[nodiscard]] bool read_image_identity(const std::string& root_image, Guid& out, std::string& err) {
    std::string text;
    if (!read_squashfs_file(root_image, kIdentityPath, text, err)) {
        if (err.find("no such file") != std::string::npos)
            err += " (packed by an older seedboot? pack the image again)";
        return false;
    }
    std::string guid = text.substr(0, text.find('\n'));
    if (text != guid + "\n" || !is_guid_text(guid)) {
        err =
            root_image + ": " + kIdentityPath +
            " is not one upper-case GUID line (expected e.g. 0FC63DAF-8483-4772-8E79-3D69D8477DE4)";
        return false;
    }
    out = parse_guid(guid);
    return true;
}

} // namespace builder
