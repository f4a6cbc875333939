// The aside folder's bound, run on the host: the latest copy of each step is kept,
// older ones only within the cap, the oldest dropped first.
#include "init/work/aside.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

namespace fs = std::filesystem;

TEST_CASE("older copies go first once the aside folder is over its cap", "[aside]") {
    TempDir t;
    std::string aside = t.path + "/aside";
    for (int k = 1; k <= 4; ++k)
        t.write("aside/02-mini-kaem." + std::to_string(k) + "/big", noise(256 * 1024, k));
    t.write("aside/03-other.1/small", "x");
    t.write("aside/README", noise(400 * 1024, 9)); // not a numbered copy: never dropped
    REQUIRE(init::bound_aside(aside, 600 * 1024));
    CHECK_FALSE(fs::exists(aside + "/02-mini-kaem.1"));
    CHECK_FALSE(fs::exists(aside + "/02-mini-kaem.2"));
    CHECK_FALSE(fs::exists(aside + "/02-mini-kaem.3"));
    CHECK(fs::exists(aside + "/02-mini-kaem.4/big")); // the latest, over the cap or not
    CHECK(fs::exists(aside + "/03-other.1/small"));
    CHECK(fs::exists(aside + "/README"));
}

TEST_CASE("within the cap every copy is kept", "[aside]") {
    TempDir t;
    std::string aside = t.path + "/aside";
    for (int k = 1; k <= 3; ++k) t.write("aside/01-a." + std::to_string(k) + "/f", "small");
    REQUIRE(init::bound_aside(aside, 1 << 20));
    for (int k = 1; k <= 3; ++k) CHECK(fs::exists(aside + "/01-a." + std::to_string(k)));
}

TEST_CASE("the next copy is numbered after the highest, not in a gap", "[aside]") {
    TempDir t;
    std::string name;
    REQUIRE(init::next_copy_name(t.path + "/aside/01-a", name)); // no folder yet
    CHECK(name == t.path + "/aside/01-a.1");
    t.write("aside/01-a.2/f", "x"); // 01-a.1 was dropped
    t.write("aside/01-a.3", "x");
    t.write("aside/01-ab.7", "x");
    REQUIRE(init::next_copy_name(t.path + "/aside/01-a", name));
    CHECK(name == t.path + "/aside/01-a.4");
}

TEST_CASE("the cap is an eighth of the work partition", "[aside]") {
    CHECK(init::aside_cap(64u << 20) == 8u << 20);
}
