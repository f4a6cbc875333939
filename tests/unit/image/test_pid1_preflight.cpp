// The static-PID-1 preflight on real ELF files of this host: the test binary itself (a
// dynamic executable), a cut copy of it, and files that are no ELF at all. Static binaries of
// each arch are checked by tests/integration/cli.sh against the PID 1s make builds.
#include "builder/image/pid1_preflight.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace builder;

namespace {

std::string self() {
    return std::filesystem::read_symlink("/proc/self/exe").string();
}

std::string refusal(const std::string& path, const seedboot::Arch* want = nullptr) {
    ElfFacts facts;
    std::string err;
    REQUIRE_FALSE(preflight_pid1(path, want, facts, err));
    return err;
}

} // namespace

TEST_CASE("preflight refuses a dynamic executable, naming its interpreter") {
    std::string err = refusal(self());
    CHECK_THAT(err, Catch::StartsWith(self() + ": dynamically linked: it asks for the program "
                                               "interpreter /"));
    CHECK_THAT(err, Catch::EndsWith("(PT_INTERP), which is not in the image (expected a static "
                                    "binary)"));
}

TEST_CASE("preflight names the machine a binary is for, against the arch wanted") {
    const auto* other = seedboot::find_arch(sizeof(void*) == 8 ? "i386" : "x86_64");
    CHECK_THAT(refusal(self(), other),
               Catch::Contains(": an ELF file for EM_") && Catch::Contains("(expected one for "));
}

TEST_CASE("preflight refuses a cut binary, a text file, a folder and a missing file") {
    TempDir t;
    std::ifstream in(self(), std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::string cut = t.write("cut", head);
    CHECK_THAT(refusal(cut), Catch::StartsWith(cut + ": truncated: segment "));
    std::string text = t.write("text", "#!/bin/sh\nexec /bin/sh\n");
    CHECK(refusal(text) == text + ": not an ELF file (expected a static PID 1 executable)");
    CHECK(refusal(t.path) == t.path + ": not a regular file (expected a static PID 1 executable)");
    CHECK(refusal(t.path + "/none") ==
          t.path + "/none: PID 1 binary cannot be read: No such file or directory");
}
