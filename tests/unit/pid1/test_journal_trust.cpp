// The PID 1's reading of a damaged journal, run on the host: nothing after the first
// damaged line is trusted, the untrusted lines are kept aside, and a cut at a chosen line
// (a layer that no longer matches) does the same from there.
#include "init/journal/journal_trust.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using namespace seedboot;

namespace {

LayerLine layer() {
    return {std::string(64, 'a'), 2, std::string(64, 'b'), false};
}

// A finished run of three steps.
std::string finished_journal() {
    return journal_header() + journal_layout(layer()) + journal_begin(0, "a") +
           journal_done(0, "a", 0, 1, layer()) + journal_begin(1, "b") +
           journal_done(1, "b", 0, 2, layer()) + journal_begin(2, "c") +
           journal_done(2, "c", 0, 3, layer());
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
    Journal j;
    REQUIRE(init::load_journal(work, j));
    CHECK(j.damaged_line == 0); // repaired: what is left is trusted
    CHECK(j.unfinished("b"));   // it began; its done line is gone
    CHECK_FALSE(j.finished("c"));
    CHECK(slurp(work.journal()) == text.substr(0, at));
    CHECK(slurp(work.aside() + "/state.untrusted.1") == text.substr(at));
}

TEST_CASE("a line cut off by a power loss is removed", "[journal-trust]") {
    TempDir t;
    init::Work work{t.path};
    std::string text = finished_journal();
    REQUIRE(spit(work.journal(), text + "begin 3 d"));
    Journal j;
    REQUIRE(init::load_journal(work, j));
    CHECK(j.finished("c"));
    CHECK(slurp(work.journal()) == text);
    CHECK_FALSE(fs::exists(work.aside()));
}

TEST_CASE("the journal is cut before the line that committed a damaged layer", "[journal-trust]") {
    TempDir t;
    init::Work work{t.path};
    std::string text = finished_journal();
    REQUIRE(spit(work.journal(), text));
    Journal j;
    REQUIRE(init::load_journal(work, j));
    size_t at = j.done_event("b")->offset;
    REQUIRE(text.compare(at, 8, "done 1 b") == 0);
    REQUIRE(init::cut_journal(work, at, "layer 0002 no longer matches", j));
    CHECK(j.finished("a"));
    CHECK(j.unfinished("b"));
    CHECK_FALSE(j.finished("c"));
    CHECK(slurp(work.journal()) == text.substr(0, at));
    CHECK(slurp(work.aside() + "/state.untrusted.1") == text.substr(at));
    CHECK_FALSE(init::cut_journal(work, text.size() + 1, "beyond the end", j));
}
