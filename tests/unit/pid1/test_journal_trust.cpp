// The PID 1's reading of a damaged journal, run on the host: nothing after the first
// damaged line is trusted, the untrusted lines are kept aside, and the step that ran
// after the trusted lines restarts from its checkpoint.
#include "init/checkpoint.hpp"
#include "init/journal_trust.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using namespace seedboot;

namespace {

Plan three_steps() {
    Plan p;
    p.arch = "x86_64";
    for (const char* name : {"a", "b", "c"}) {
        PlanStep s;
        s.name = name;
        s.argv = {"/bin/true"};
        p.steps.push_back(s);
    }
    return p;
}

// A finished run of three steps; `damage` is applied to the journal's text.
std::string finished_journal() {
    return journal_header() + journal_layout() + journal_begin(0, "a") +
           journal_done(0, "a", 0, 1) + journal_begin(1, "b") + journal_done(1, "b", 0, 2) +
           journal_begin(2, "c") + journal_done(2, "c", 0, 3);
}

} // namespace

TEST_CASE("a damaged journal is cut back to its trusted lines", "[journal-trust]") {
    TempDir t;
    init::Work work{t.path};
    std::string text = finished_journal();
    size_t at = text.find("done 1 b");
    REQUIRE(at != std::string::npos);
    text[at + 5] = '7'; // "done 7 b": bit rot inside step b's done line
    text[at + 6] = '!';
    REQUIRE(spit(work.journal(), text));
    fs::create_directories(work.build());
    Journal j;
    REQUIRE(init::load_journal(work, three_steps(), j));
    CHECK(j.damaged_line == 0); // repaired: what is left is trusted
    CHECK(j.unfinished("b"));   // it began; its done line is gone
    CHECK_FALSE(j.finished("c"));
    CHECK(slurp(work.journal()) == text.substr(0, at));
    CHECK(slurp(work.aside() + "/state.untrusted.1") == text.substr(at));
}

TEST_CASE("a step that began after the trusted lines restarts from its checkpoint",
          "[journal-trust]") {
    TempDir t;
    init::Work work{t.path};
    t.write("build/from-a", "a");
    REQUIRE(init::record_tree(work.build(), work.checkpoints() + "/02-b"));
    t.write("build/from-b", "b"); // what b and c made, after the damaged line
    t.write("build/from-c", "c");
    std::string text = finished_journal();
    size_t at = text.find("begin 1 b");
    text[at + 2] = 'X';
    REQUIRE(spit(work.journal(), text));
    Journal j;
    REQUIRE(init::load_journal(work, three_steps(), j));
    CHECK(j.unfinished("b"));
    CHECK(slurp(work.journal()) == text.substr(0, at) + journal_begin(1, "b"));
    // What the PID 1 does next for an unfinished step: restore its starting tree.
    REQUIRE(init::set_aside_new(work.build(), work.checkpoints() + "/02-b", work.aside() + "/x"));
    CHECK(fs::exists(work.build() + "/from-a"));
    CHECK_FALSE(fs::exists(work.build() + "/from-b"));
    CHECK_FALSE(fs::exists(work.build() + "/from-c"));
}

TEST_CASE("a damaged format line: the whole tree is set aside", "[journal-trust]") {
    TempDir t;
    init::Work work{t.path};
    t.write("build/anything", "x");
    std::string text = finished_journal();
    text[2] = 'Q';
    REQUIRE(spit(work.journal(), text));
    Journal j;
    REQUIRE(init::load_journal(work, three_steps(), j));
    CHECK(j.format == 0); // a new journal follows
    CHECK_FALSE(j.laid_out);
    CHECK(slurp(work.journal()).empty());
    CHECK_FALSE(fs::exists(work.build()));
    CHECK(fs::exists(work.aside() + "/build.untrusted.1/anything"));
}

TEST_CASE("a line cut by a power loss is removed before anything is appended", "[journal-trust]") {
    TempDir t;
    init::Work work{t.path};
    std::string text = finished_journal();
    REQUIRE(spit(work.journal(), text + "begin 3 d"));
    Journal j;
    REQUIRE(init::load_journal(work, three_steps(), j));
    CHECK(slurp(work.journal()) == text);
    CHECK_FALSE(fs::exists(work.aside() + "/state.untrusted.1"));
}

TEST_CASE("a journal of format 1 is taken as before", "[journal-trust]") {
    TempDir t;
    init::Work work{t.path};
    std::string text = "layout\nbegin 0 a\ndone 0 a 0 1\n";
    REQUIRE(spit(work.journal(), text));
    Journal j;
    REQUIRE(init::load_journal(work, three_steps(), j));
    CHECK(j.format == 1);
    CHECK(j.finished("a"));
    CHECK(slurp(work.journal()) == text);
    CHECK(journal_begin(1, "b", j.format) == "begin 1 b\n"); // appended in its own format
}

TEST_CASE("a journal newer than the PID 1 is refused", "[journal-trust]") {
    TempDir t;
    init::Work work{t.path};
    REQUIRE(
        spit(work.journal(), "seedboot-journal 3 " + journal_check("seedboot-journal 3") + "\n"));
    Journal j;
    CHECK_FALSE(init::load_journal(work, three_steps(), j));
}
