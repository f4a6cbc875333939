// The PID 1's rule for its work partition (init/work/work_choice.hpp): never another image's,
// never a guess between two of its own.
#include "init/work/work_choice.hpp"

#include <catch2/catch.hpp>

using init::Choice;
using init::WorkCandidate;

namespace {

const std::string kMine = "5E1D7C2A-0B4F-4C1E-9A3D-2F6B8E0C1D42";
const std::string kOther = "0A9B8C7D-6E5F-4A3B-8C2D-1E0F9A8B7C6D";

init::WorkChoice choose(const std::vector<WorkCandidate>& found, const std::string& root_disk) {
    return init::choose_work(found, root_disk, kMine);
}

} // namespace

TEST_CASE("the work partition on the root's disk is taken, whatever else is attached", "[work]") {
    // One disk (UEFI, a USB stick).
    auto c = choose({{"/dev/sda3", "sda", "5e1d7c2a-0b4f-4c1e-9a3d-2f6b8e0c1d42"}}, "sda");
    CHECK(c.what == Choice::take);
    CHECK(c.index == 0);
    // A second copy of the same image on another disk: the root's own is taken.
    std::vector<WorkCandidate> two = {{"/dev/vda3", "vda", kMine}, {"/dev/vdb3", "vdb", kMine}};
    c = choose(two, "vdb");
    CHECK(c.what == Choice::take);
    CHECK(c.index == 1);
    CHECK(init::left_alone(two, c.index, kMine) == "/dev/vda3 (this image's)");
    // Another image's disk first in the list.
    std::vector<WorkCandidate> other = {{"/dev/sda3", "sda", kOther}, {"/dev/sdb3", "sdb", kMine}};
    c = choose(other, "sdb");
    CHECK(c.what == Choice::take);
    CHECK(c.index == 1);
    CHECK(init::left_alone(other, 1, kMine) == "/dev/sda3 (another image's, " + kOther + ")");
}

TEST_CASE("another image's work partition on the root's disk is refused, not passed over",
          "[work]") {
    auto c = choose({{"/dev/sda3", "sda", kOther}, {"/dev/sdb3", "sdb", kMine}}, "sda");
    CHECK(c.what == Choice::refuse);
    CHECK_THAT(c.why, Catch::Contains("the work partition on the root's disk sda was made for "
                                      "another image: /dev/sda3 (another image's, " +
                                      kOther + "); this image's identity is " + kMine));
    c = choose({{"/dev/sda3", "sda", ""}}, "sda");
    CHECK(c.what == Choice::refuse);
    CHECK_THAT(c.why, Catch::Contains("/dev/sda3 (PARTUUID unreadable)"));
    c = choose({{"/dev/sda3", "sda", kMine}, {"/dev/sda4", "sda", kMine}}, "sda");
    CHECK(c.what == Choice::refuse);
    CHECK_THAT(c.why, Catch::Contains("cannot tell which work partition on the root's disk sda"));
}

TEST_CASE("apart from the root's disk, exactly one of the image's own is taken", "[work]") {
    // Direct kernel boot: root on vda, work on vdb.
    auto c = choose({{"/dev/vdb1", "vdb", kMine}}, "vda");
    CHECK(c.what == Choice::take);
    CHECK(c.why == "on vdb, the only one made for this image (the root is on vda)");
    // Another image's work disk beside it changes nothing.
    c = choose({{"/dev/vdc1", "vdc", kOther}, {"/dev/vdb1", "vdb", kMine}}, "vda");
    CHECK(c.what == Choice::take);
    CHECK(c.index == 1);
    // Two copies of the image's work disk: cannot tell.
    c = choose({{"/dev/vdb1", "vdb", kMine}, {"/dev/vdc1", "vdc", kMine}}, "vda");
    CHECK(c.what == Choice::refuse);
    CHECK_THAT(c.why, Catch::Contains("cannot tell which work partition to use: /dev/vdb1 "
                                      "(this image's), /dev/vdc1 (this image's) were all made "
                                      "for this image and none is on the root's disk vda"));
}

TEST_CASE("with none of its own, the PID 1 waits and then says what it found", "[work]") {
    auto c = choose({}, "vda");
    CHECK(c.what == Choice::wait);
    CHECK_THAT(c.why, Catch::Contains("found no partition named seedboot-work"));
    c = choose({{"/dev/vdb1", "vdb", kOther}}, "vda");
    CHECK(c.what == Choice::wait);
    CHECK_THAT(c.why, Catch::Contains("found /dev/vdb1 (another image's, " + kOther + ")"));
}
