#include "command.hpp"

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

void add_init(CLI::App& command, std::string& init) {
    command.add_option("--init", init,
                       "the static PID 1 for the arch (default: $SEEDBOOT_INIT_ARCH, the build "
                       "folder's, or the installed one)");
}

} // namespace builder::cli
