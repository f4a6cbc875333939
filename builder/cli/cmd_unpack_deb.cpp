// seedboot unpack-deb: Debian binary packages -> their files in a folder, as dpkg would
// unpack them without running their maintainer scripts (a root for make gnu-proxy).
#include "command.hpp"

#include "builder/image/unpack.hpp"

#include <filesystem>

namespace builder::cli {

namespace {

struct UnpackDebRequest {
    std::string dir;
    std::vector<std::string> debs;
};

int cmd_unpack_deb(const UnpackDebRequest& a) {
    std::error_code ec;
    std::filesystem::create_directories(a.dir, ec);
    if (ec) return error(a.dir + ": cannot make the folder: " + ec.message());
    for (const auto& deb : a.debs) {
        std::string err;
        if (!unpack_deb(deb, a.dir, err)) return error(err);
    }
    say("unpacked " + std::to_string(a.debs.size()) + " package(s) into " + a.dir);
    return 0;
}

} // namespace

void register_unpack_deb(CLI::App& app, Action& run) {
    auto [c, a] = add_command<UnpackDebRequest>(
        app, run, "unpack-deb",
        "Debian binary packages -> their files in a folder (no scripts run)", cmd_unpack_deb);
    c->add_option("-o,--output", a->dir, "folder to unpack into (made if missing)")->required();
    c->add_option("debs", a->debs, ".deb files, unpacked in this order")->required();
}

} // namespace builder::cli
