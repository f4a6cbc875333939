// The host's verdict: a console ok counts only when the work disk agrees, read
// back from real images (a squashfs root with its /plan, an ext4 work file
// system written with debugfs).
#include "builder/disk/work_image.hpp"
#include "builder/image/squashfs/squashfs.hpp"
#include "builder/readback/run_verdict.hpp"

#include "libseedboot/sys/subprocess.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

namespace {

seedboot::Plan two_steps() {
    seedboot::Plan p;
    p.arch = "x86_64";
    for (const char* name : {"attack", "victim"}) {
        seedboot::PlanStep s;
        s.name = name;
        s.timeout_s = 60;
        s.argv = {std::string("/sources/") + name};
        p.steps.push_back(s);
    }
    return p;
}

const std::string kOkResult = "seedboot-result 1\narch x86_64\nresult ok\n"
                              "step attack status=0 ms=10\nstep victim status=0 ms=20\n";

seedboot::Journal journal_of(const std::string& text) {
    seedboot::Journal j;
    std::string err;
    REQUIRE(seedboot::parse_journal(text, "/state", j, err));
    return j;
}

const std::string kBothDone = "layout\nbegin 0 attack\ndone 0 attack 0 10\n"
                              "begin 1 victim\ndone 1 victim 0 20\n";

} // namespace

TEST_CASE("an ok /result counts only with every step done in the journal", "[verdict]") {
    std::string why;
    CHECK(builder::ok_result_agrees(kOkResult, two_steps(), journal_of(kBothDone), why));
    // The victim failed; a forged "done" was appended afterwards, /result says fail.
    std::string failed = "seedboot-result 1\narch x86_64\nresult fail step=victim status=1\n";
    CHECK_FALSE(builder::ok_result_agrees(failed, two_steps(), journal_of(kBothDone), why));
    CHECK(why == "its /result says 'result fail step=victim status=1' (expected 'result ok' for "
                 "x86_64)");
    // A forged /result with the journal as the PID 1 left it.
    CHECK_FALSE(builder::ok_result_agrees(
        kOkResult, two_steps(),
        journal_of(
            "layout\nbegin 0 attack\ndone 0 attack 0 10\nbegin 1 victim\ndone 1 victim 1 20\n"),
        why));
    CHECK(why == "its /result says ok, but step victim is not done with status 0 in the journal "
                 "(/state)");
    std::string short_result =
        "seedboot-result 1\narch x86_64\nresult ok\nstep attack status=0 ms=10\n";
    CHECK_FALSE(builder::ok_result_agrees(short_result, two_steps(), journal_of(kBothDone), why));
    CHECK(why == "its /result says ok, but step victim is not done with status 0 in /result");
    std::string other_arch = "seedboot-result 1\narch i386\nresult ok\n";
    CHECK_FALSE(builder::ok_result_agrees(other_arch, two_steps(), journal_of(kBothDone), why));
    CHECK(why == "its /result says 'result ok' for i386 (expected 'result ok' for x86_64)");
    // A /result that does not parse is not an ok, whatever else it says.
    CHECK_FALSE(builder::ok_result_agrees(kOkResult + "result ok\n", two_steps(),
                                          journal_of(kBothDone), why));
    CHECK(why == "its /result cannot be read: /result:6: 'result ok': expected, in this order: "
                 "[cause work-partition-full] (fail only), [tree ROOT SHA256 ENTRIES] (ok only), "
                 "step NAME status=N ms=N..., output SHA256 [ROOT:]PATH... (in path order)");
}

TEST_CASE("the work disk must be cleanly unmounted and say ok", "[verdict]") {
    TempDir t;
    std::string err, why;
    std::string root = t.path + "/root.sqfs";
    std::vector<builder::ImageEntry> entries = {
        {"/", 'd', 0755, "", ""}, {"/plan", 'f', 0644, "", seedboot::format_plan(two_steps())}};
    INFO(err);
    REQUIRE(builder::write_squashfs(entries, root, {}, err));
    auto work = [&](const std::string& name, const std::string& result, const std::string& extra) {
        std::string img = t.path + "/" + name;
        REQUIRE(builder::make_work_fs(img, 16 << 20, "test", 1, err));
        std::string cmds = "write " + t.write(name + ".state", kBothDone) + " /state\nwrite " +
                           t.write(name + ".result", result) + " /result\n" + extra;
        REQUIRE(seedboot::run_program({"debugfs", "-w", "-f", t.write(name + ".cmd", cmds), img},
                                      {}, err));
        return img;
    };
    CHECK(builder::work_disk_says_ok(root, work("ok.img", kOkResult, ""), why));
    std::string failed = work("fail.img",
                              "seedboot-result 1\narch x86_64\nresult fail "
                              "step=victim status=1\n",
                              "");
    CHECK_FALSE(builder::work_disk_says_ok(root, failed, why));
    CHECK(why == failed + ": its /result says 'result fail step=victim status=1' (expected "
                          "'result ok' for x86_64)");
    // The PID 1 did not get to unmount it: whatever its files say, the run is not ok.
    std::string dirty = work("dirty.img", kOkResult, "feature needs_recovery\n");
    CHECK_FALSE(builder::work_disk_says_ok(root, dirty, why));
    CHECK(why == "its work file system " + dirty +
                     " was not cleanly unmounted (its ext4 journal needs recovery): the PID 1 did "
                     "not reach its end");
}
