// The seedboot command line. Each subcommand lives in cmd_NAME.cpp with its typed arguments
// and a register_NAME that adds it to the app; main.cpp only lists them. A command parses and
// prints; the work is done by the libraries below it (spec, image, disk, readback, release).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace builder::cli {

// What the chosen subcommand runs once the whole command line is parsed, so that its errors
// are seedboot's, not CLI11's. Returns the exit status.
using Action = std::function<int()>;
using Register = void (*)(CLI::App& app, Action& run);

void register_pack(CLI::App& app, Action& run);
void register_disk(CLI::App& app, Action& run);
void register_boot(CLI::App& app, Action& run);
void register_images(CLI::App& app, Action& run);
void register_release(CLI::App& app, Action& run);
void register_audit_seed(CLI::App& app, Action& run);
void register_lock(CLI::App& app, Action& run);
void register_get(CLI::App& app, Action& run);
void register_fetch(CLI::App& app, Action& run);
void register_plan(CLI::App& app, Action& run);
void register_status(CLI::App& app, Action& run);
void register_grow(CLI::App& app, Action& run);
void register_extract(CLI::App& app, Action& run);
void register_export(CLI::App& app, Action& run);
void register_pack_dir(CLI::App& app, Action& run);
void register_unpack_deb(CLI::App& app, Action& run);
void register_preflight(CLI::App& app, Action& run);
void register_keygen(CLI::App& app, Action& run);
void register_sign(CLI::App& app, Action& run);
void register_verify(CLI::App& app, Action& run);

// Adds subcommand `name`: its options fill an Args, which `command` gets once the command line
// is parsed. Returns the subcommand, to add the options to, and the Args they fill.
template <class Args>
std::pair<CLI::App*, Args*> add_command(CLI::App& app, Action& run, const char* name,
                                        const char* about, int (*command)(const Args&)) {
    auto args = std::make_shared<Args>();
    CLI::App* sub = app.add_subcommand(name, about);
    sub->callback([args, command, &run] { run = [args, command] { return command(*args); }; });
    return {sub, args.get()};
}

// Prints "seedboot: error: <what>" to stderr and returns 1.
int error(const std::string& what);

// Prints one line of progress to stdout, at once.
void say(const std::string& line);

// The --block-cache DIR option of the commands that pack.
void add_block_cache(CLI::App& command, std::string& dir);

// The required --arch ARCH option (i386, x86_64 or aarch64) of the commands for one arch.
void add_arch(CLI::App& command, std::string& arch);

// The --sources DIR option: what {sources} in a spec stands for.
void add_sources(CLI::App& command, std::string& dir);

// The --build-dir DIR option (default "build") of the commands that find make's output.
void add_build_dir(CLI::App& command, std::string& dir);

// The --init FILE option of the commands that pack (builder/spec/locate.hpp when absent).
void add_init(CLI::App& command, std::string& init);

} // namespace builder::cli
