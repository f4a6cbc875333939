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

} // namespace builder::cli
