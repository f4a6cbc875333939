#include "locate.hpp"

#include "build_dir.hpp"

#include <cstdlib>
#include <filesystem>

namespace builder {

namespace {

namespace fs = std::filesystem;

struct What {
    const char* option; // "--init"
    const char* env;    // "SEEDBOOT_INIT_"
    const char* noun;   // "PID 1 binary"
    const char* make;   // "make init-"
    std::string built;  // in the build folder
    std::string installed;
};

[[nodiscard]] bool locate(const What& w, const std::string& given, const seedboot::Arch& arch,
                          Located& out, std::string& err) {
    std::string env_name = w.env + std::string(arch.name);
    const char* env = std::getenv(env_name.c_str());
    if (!given.empty())
        out = {given, Origin::option, w.option};
    else if (env && *env)
        out = {env, Origin::environment, "$" + env_name};
    else if (fs::is_regular_file(w.built))
        out = {w.built, Origin::build_folder, "the build folder"};
    else if (fs::is_regular_file(w.installed))
        out = {w.installed, Origin::installation, "the installation"};
    else {
        err = std::string("no ") + w.noun + " for " + std::string(arch.name) + ": none given (" +
              w.option + " or $" + env_name + "), none built (" + w.built + ": " + w.make +
              std::string(arch.name) + ") and none installed (" + w.installed + ")";
        return false;
    }
    if (fs::is_regular_file(out.path)) return true;
    if (out.origin == Origin::option)
        err = out.path + ": " + w.noun + " not found (build it with " + w.make +
              std::string(arch.name) + ")";
    else
        err = out.path + ": " + w.noun + " not found (" + out.from + " names it; expected a file)";
    return false;
}

} // namespace

std::string installed_dir(const seedboot::Arch& arch) {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return (exe.parent_path().parent_path() / "lib/seedboot" / arch.name).string();
}

[[nodiscard]] bool locate_pid1(const std::string& given, const std::string& build_dir,
                               const seedboot::Arch& arch, Located& out, std::string& err) {
    What w{"--init",     "SEEDBOOT_INIT_",           "PID 1 binary",
           "make init-", pid1_path(build_dir, arch), installed_dir(arch) + "/init"};
    return locate(w, given, arch, out, err);
}

[[nodiscard]] bool locate_kernel(const std::string& given, const std::string& build_dir,
                                 const seedboot::Arch& arch, Located& out, std::string& err) {
    What w{"--kernel",
           "SEEDBOOT_KERNEL_",
           "kernel",
           "make kernel-",
           kernel_path(build_dir, arch),
           installed_dir(arch) + "/" + std::string(arch.kernel_file)};
    return locate(w, given, arch, out, err);
}

} // namespace builder
