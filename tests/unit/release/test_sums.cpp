// SHA256SUMS: written sorted, read back line by line, checked against the files it lists.
#include "builder/release/sums.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using builder::Sum;

namespace {

const std::string kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

} // namespace

TEST_CASE("SHA256SUMS: lines sorted by name, as sha256sum writes them", "[release]") {
    std::string text = builder::format_sums({{kAbc, "b.img"}, {kAbc, "a.img"}});
    CHECK(text == kAbc + "  a.img\n" + kAbc + "  b.img\n");
}

TEST_CASE("SHA256SUMS: a line is HEX, two spaces or a space and '*', a plain name", "[release]") {
    Sum s;
    std::string err;
    REQUIRE(builder::parse_sum_line(kAbc + "  a.img", "S:1", s, err));
    CHECK((s.sha256 == kAbc && s.name == "a.img"));
    REQUIRE(builder::parse_sum_line(kAbc + " *b.img", "S:2", s, err));
    CHECK(s.name == "b.img");
    const std::string expected =
        ": expected 'SHA256  NAME' (64 hex digits, two spaces, a file name)";
    CHECK_FALSE(builder::parse_sum_line(kAbc.substr(1) + "  a.img", "S:3", s, err));
    CHECK(err == "S:3" + expected);
    CHECK_FALSE(builder::parse_sum_line(kAbc + "  ", "S:4", s, err));
    CHECK(err == "S:4" + expected);
    CHECK_FALSE(builder::parse_sum_line(kAbc + "  ../etc/passwd", "S:5", s, err));
    CHECK(err == "S:5: '../etc/passwd' is not a file name in the release folder (expected a "
                 "name without '/')");
}

TEST_CASE("SHA256SUMS: every file listed must have its hash", "[release]") {
    TempDir t;
    std::set<std::string> names;
    std::string err;
    CHECK_FALSE(builder::check_sums(t.path, names, err));
    CHECK(err == t.file("SHA256SUMS") + ": not found (expected the output of `seedboot images -o " +
                     t.path + "`)");
    t.write("a.img", "abc");
    t.write("SHA256SUMS", "");
    CHECK_FALSE(builder::check_sums(t.path, names, err));
    CHECK(err == t.file("SHA256SUMS") + ": lists no files (expected one line per disk image)");
    t.write("SHA256SUMS", kAbc + "  a.img\n");
    REQUIRE(builder::check_sums(t.path, names, err));
    CHECK(names == std::set<std::string>{"a.img"});
    t.write("a.img", "abd");
    names.clear();
    CHECK_FALSE(builder::check_sums(t.path, names, err));
    CHECK(err.rfind(t.file("a.img") + ": sha256 ", 0) == 0);
    CHECK(err.find(", but " + t.file("SHA256SUMS") + ":1 lists " + kAbc +
                   " (a release signs only what it verified)") != std::string::npos);
    t.write("SHA256SUMS", kAbc + "  missing.img\n");
    CHECK_FALSE(builder::check_sums(t.path, names, err));
    CHECK(err == t.file("missing.img") + ": cannot open: No such file or directory");
}
