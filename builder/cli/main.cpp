// seedboot: the host-side builder. Packs root images, makes disks, boots them under QEMU,
// reads runs back, signs releases. Each subcommand lives in cmd_NAME.cpp.
#include "command.hpp"

#include <CLI/CLI.hpp>
#include <sodium.h>

using namespace builder::cli;

int main(int argc, char** argv) {
    if (sodium_init() < 0) return error("libsodium failed to initialise");
    CLI::App app{"seedboot: bootable, reproducible bootstrap images from a hex0 seed"};
    app.require_subcommand(1);
    Action run;
    for (Register add :
         {register_pack,      register_disk,       register_boot,     register_images,
          register_release,   register_audit_seed, register_lock,     register_get,
          register_fetch,     register_plan,       register_status,   register_grow,
          register_extract,   register_export,     register_pack_dir, register_unpack_deb,
          register_preflight, register_keygen,     register_sign,     register_verify})
        add(app, run);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        return error(e.what());
    }
    return run();
}
