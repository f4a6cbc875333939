#include "command.hpp"

#include "libseedboot/platform.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace builder::cli {

int error(const std::string& what) {
    std::fprintf(stderr, "seedboot: error: %s\n", what.c_str());
    return 1;
}

void say(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

void add_block_cache(CLI::App& command, std::string& dir) {
    command.add_option("--block-cache", dir,
                       "folder that keeps compressed blocks for the next run (the image does "
                       "not depend on it)");
}

void add_arch(CLI::App& command, std::string& arch) {
    command.add_option("--arch", arch, std::string(seedboot::kArchNames))->required();
}

void add_sources(CLI::App& command, std::string& dir) {
    command.add_option("--sources", dir, "folder of user-supplied upstream sources ({sources})");
}

void add_build_dir(CLI::App& command, std::string& dir) {
    command
        .add_option("--build-dir", dir,
                    "the build folder: where make leaves the kernels and PID 1s, and what "
                    "{build} in a spec stands for")
        ->default_val("build");
}

void add_init(CLI::App& command, std::string& init) {
    command.add_option("--init", init,
                       "the static PID 1 for the arch (default: $SEEDBOOT_INIT_ARCH, the build "
                       "folder's, or the installed one)");
}

} // namespace builder::cli
