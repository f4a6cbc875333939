// The independent hex0 assembler, and the committed seeds and answers it vouches for.
#include "libseedboot/format/answers.hpp"
#include "libseedboot/format/hex0.hpp"
#include "libseedboot/sys/sha256.hpp"

#include "tests/support/files.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

using namespace seedboot;

namespace {

const std::string kRoot = SEEDBOOT_SOURCE_DIR;

} // namespace

TEST_CASE("hex0: digits pair up across anything that is not a digit", "[hex0]") {
    CHECK(hex0_assemble("") == "");
    CHECK(hex0_assemble("4142") == "AB");
    CHECK(hex0_assemble("4 1\t4\n2") == "AB");
    CHECK(hex0_assemble("6a6B 6C") == "jkl");
    CHECK(hex0_assemble("4 # comment 99\n1") == "A");
    CHECK(hex0_assemble("41 ; comment ff\r\n42\r\n") == "AB");
    CHECK(hex0_assemble("414") == "A"); // an odd last nibble is dropped
    CHECK(hex0_assemble("41 # no newline at the end") == "A");
    CHECK(hex0_assemble("xyz!@ 4g1") == "A"); // g is not a digit
    CHECK(hex0_assemble(std::string("\0"
                                    "41",
                                    3)) == "A");
}

TEST_CASE("hex0: every byte value, and a large input", "[hex0]") {
    std::string src, want;
    for (int b = 0; b < 256; ++b) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%02X ", b);
        src += buf;
        want += static_cast<char>(b);
    }
    CHECK(hex0_assemble(src) == want);
    std::string big;
    for (int i = 0; i < 1 << 20; ++i) big += "ab ";
    CHECK(hex0_assemble(big).size() == 1u << 20);
}

TEST_CASE("hex0 audit: the first differing byte, or where one side ends", "[hex0]") {
    CHECK_FALSE(hex0_audit("41 42", "AB"));
    auto m = hex0_audit("41 42 43", "ABD");
    REQUIRE(m);
    CHECK(m->offset == 2);
    CHECK(describe(*m) == "offset 2 (0x2): source assembles to 0x43, binary has 0x44");
    m = hex0_audit("41 42", "ABC");
    REQUIRE(m);
    CHECK(describe(*m) ==
          "offset 2 (0x2): source assembles to nothing (it ends there), binary has 0x43");
    m = hex0_audit("41 42 43", "AB");
    REQUIRE(m);
    CHECK(describe(*m) ==
          "offset 2 (0x2): source assembles to 0x43, binary has nothing (it ends there)");
}

TEST_CASE("our seeds are the exact assembly of their annotated sources", "[hex0][seed]") {
    for (std::string arch : {"i386", "x86_64", "aarch64"}) {
        INFO(arch);
        std::string dir = kRoot + "/rootfs/seed/" + arch;
        CHECK_FALSE(hex0_audit(slurp(dir + "/hex0.hex0"), slurp(dir + "/hex0-seed")));
    }
}

TEST_CASE("the default chain's answers are what our assembler makes", "[hex0][seed]") {
    for (std::string arch : {"i386", "x86_64", "aarch64"}) {
        INFO(arch);
        std::string chain = kRoot + "/rootfs/chain/" + arch;
        std::string hello_src = slurp(chain + "/hello-1.hex0") + slurp(chain + "/hello-2.hex0");
        std::vector<Answer> answers;
        std::string err;
        REQUIRE(parse_answers(slurp(chain + "/chain.answers"), "chain.answers", answers, err));
        std::map<std::string, std::string> want;
        for (const auto& a : answers) want[a.path] = a.sha256;
        CHECK(want.size() == 4);
        CHECK(want["/bin/hex0"] ==
              sha256_hex(slurp(kRoot + "/rootfs/seed/" + arch + "/hex0-seed")));
        CHECK(want["/bin/catm"] == sha256_hex(hex0_assemble(slurp(chain + "/catm.hex0"))));
        CHECK(want["/tmp/hello.hex0"] == sha256_hex(hello_src));
        CHECK(want["/bin/hello"] == sha256_hex(hex0_assemble(hello_src)));
    }
}
