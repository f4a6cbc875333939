// seedboot fetch against a real HTTP/1.1 server on 127.0.0.1 (tests/support): the
// mirrors misbehave as real ones do (404, wrong bytes, a cut-off, a stall, Range
// ignored) and the fetcher must end with the right bytes or a list that says why
// not, never with a wrong file and never hanging. No network beyond loopback.
#include "builder/fetch/progress_line.hpp"
#include "builder/stagex/fetch/fetch_dir.hpp"
#include "builder/stagex/fetch/fetcher.hpp"

#include "libseedboot/sys/sha256.hpp"

#include "tests/support/files.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <sstream>
#include <sys/file.h>
#include <unistd.h>

using namespace builder;
using testsupport::HttpServer;
using B = HttpServer::Behaviour;

namespace {

struct Fixture {
    TempDir t;
    HttpServer server;
    std::string dir = t.path + "/fetch";
    std::string body = noise(100000, 7);
    fetch::Options options;
    std::ostringstream log;
    fetch::Report report;

    Fixture() {
        ::setenv("no_proxy", "*", 1); // a user's proxy must not see loopback tests
        options.limits.connect_seconds = 5;
        options.limits.stall_seconds = 3; // the stall tests set 1
    }

    // A package "stage0" with one source, src.tgz, whose mirrors are these paths.
    stagex::Package package(const std::vector<std::string>& paths, const std::string& extra = "") {
        std::string mirrors;
        for (const auto& p : paths) mirrors += "\"" + server.url(p) + "\", ";
        std::string text = "[package]\nname = \"stage0\"\n[sources.src]\nhash = \"" +
                           seedboot::sha256_hex(body) + "\"\nfile = \"src.tgz\"\nmirrors = [" +
                           mirrors + "]\n" + extra;
        stagex::Package p;
        std::string err;
        REQUIRE(stagex::load_package(t.write("package.toml", text), p, err));
        return p;
    }

    void run(const stagex::Package& p, const std::set<std::string>& only = {}) {
        fetch::fetch_package(p, dir, only, options, log, report);
        INFO(log.str());
    }

    std::string fetched() const { return slurp(dir + "/stage0/src.tgz"); }
    std::string partial() const { return dir + "/.partial/stage0/src.tgz"; }
};

bool exists(const std::string& p) {
    return std::filesystem::exists(p);
}

} // namespace

TEST_CASE("fetch: a 404 on the first mirror, the file from the second", "[fetch]") {
    Fixture f;
    f.server.route("/good/src.tgz", f.body);
    f.run(f.package({"/missing/src.tgz", "/good/src.tgz"}));
    CHECK(f.report.fetched == 1);
    CHECK(f.report.failed.empty());
    CHECK(f.fetched() == f.body);
    CHECK_THAT(f.log.str(), Catch::Contains(f.server.url("/missing/src.tgz") + ": HTTP 404"));
    // Only verified sources in the fetch folder: no partial files left beside them.
    CHECK_FALSE(exists(f.dir + "/.partial"));
}

TEST_CASE("fetch: wrong bytes are removed, the mirror named, the next one tried", "[fetch]") {
    Fixture f;
    std::string wrong = noise(f.body.size(), 8);
    f.server.route("/bad/src.tgz", wrong);
    f.server.route("/good/src.tgz", f.body);
    f.run(f.package({"/bad/src.tgz", "/good/src.tgz"}));
    CHECK(f.fetched() == f.body);
    CHECK_THAT(f.log.str(),
               Catch::Contains(f.server.url("/bad/src.tgz") + ": sha256 " +
                               seedboot::sha256_hex(wrong) + " (100000 bytes), expected " +
                               seedboot::sha256_hex(f.body) + ": removed"));
}

TEST_CASE("fetch: a transfer cut off mid-way is resumed with Range", "[fetch]") {
    Fixture f;
    f.server.route("/s/src.tgz", f.body, B::cut_once, 30000);
    f.run(f.package({"/s/src.tgz"}));
    CHECK(f.report.fetched == 1);
    CHECK(f.fetched() == f.body);
    CHECK(f.server.ranges("/s/src.tgz") == std::vector<std::string>{"", "bytes=30000-"});
    CHECK_THAT(f.log.str(), Catch::Contains("cut off after 30000 bytes"));
}

TEST_CASE("fetch: a partial file from an earlier run is resumed, not fetched again", "[fetch]") {
    Fixture f;
    f.server.route("/s/src.tgz", f.body);
    f.t.write("fetch/.partial/stage0/src.tgz", f.body.substr(0, 40000));
    f.run(f.package({"/s/src.tgz"}));
    CHECK(f.fetched() == f.body);
    CHECK(f.server.ranges("/s/src.tgz") == std::vector<std::string>{"bytes=40000-"});
}

TEST_CASE("fetch: a resumed file that comes out wrong is fetched again from the start", "[fetch]") {
    Fixture f;
    f.server.route("/s/src.tgz", f.body);
    f.t.write("fetch/.partial/stage0/src.tgz", noise(40000, 9)); // not the source's head
    f.run(f.package({"/s/src.tgz"}));
    CHECK(f.fetched() == f.body);
    CHECK(f.server.ranges("/s/src.tgz") == std::vector<std::string>{"bytes=40000-", ""});
    CHECK_THAT(f.log.str(), Catch::Contains("fetching it again from the start"));
}

TEST_CASE("fetch: a server that ignores Range: the file from the start", "[fetch]") {
    Fixture f;
    f.server.route("/s/src.tgz", f.body, B::ignore_range);
    f.t.write("fetch/.partial/stage0/src.tgz", f.body.substr(0, 5000));
    f.run(f.package({"/s/src.tgz"}));
    CHECK(f.fetched() == f.body);
    CHECK(f.server.ranges("/s/src.tgz") == std::vector<std::string>{"bytes=5000-", ""});
    CHECK_THAT(f.log.str(), Catch::Contains("the server ignored the Range request (HTTP 200)"));
}

TEST_CASE("fetch: a partial file that is already whole (416) is checked and kept", "[fetch]") {
    Fixture f;
    f.server.route("/s/src.tgz", f.body);
    f.t.write("fetch/.partial/stage0/src.tgz", f.body);
    f.run(f.package({"/s/src.tgz"}));
    CHECK(f.report.fetched == 1);
    CHECK(f.fetched() == f.body);
    CHECK(f.server.ranges("/s/src.tgz") == std::vector<std::string>{"bytes=100000-"});
}

TEST_CASE("fetch: a stalled server times out, the next mirror serves", "[fetch]") {
    Fixture f;
    f.server.route("/stall/src.tgz", f.body, B::stall);
    f.server.route("/good/src.tgz", f.body);
    f.options.limits.stall_seconds = 1;
    auto start = std::chrono::steady_clock::now();
    f.run(f.package({"/stall/src.tgz", "/good/src.tgz"}));
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(f.fetched() == f.body);
    CHECK(seconds < 8); // stall_seconds is 1; curl calls the check about once a second
    CHECK_THAT(f.log.str(),
               Catch::Contains(f.server.url("/stall/src.tgz") + ": stalled: no data for 1 s"));
}

TEST_CASE("fetch: a trickling server is given up (low-speed limit), the next mirror serves",
          "[fetch]") {
    Fixture f;
    f.server.route("/slow/src.tgz", f.body, B::trickle, 100); // 1000 bytes a second
    f.server.route("/good/src.tgz", f.body);
    f.options.limits.slow_bytes_per_second = 20000;
    f.options.limits.slow_seconds = 1;
    auto start = std::chrono::steady_clock::now();
    f.run(f.package({"/slow/src.tgz", "/good/src.tgz"}));
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(f.fetched() == f.body);
    CHECK(seconds < 10);
    // Given up for its speed after bytes came (how many depends on timing): resumed once,
    // then abandoned for good.
    CHECK_THAT(f.log.str(), Catch::Contains(f.server.url("/slow/src.tgz") + ": cut off after "));
    CHECK_THAT(f.log.str(), Catch::Contains(" bytes (timed out: Operation too slow"));
}

TEST_CASE("fetch: a file already there and right is not requested", "[fetch]") {
    Fixture f;
    f.server.route("/s/src.tgz", f.body);
    f.t.write("fetch/stage0/src.tgz", f.body);
    f.run(f.package({"/s/src.tgz"}));
    CHECK(f.report.present == 1);
    CHECK(f.report.fetched == 0);
    CHECK(f.server.requests("/s/src.tgz") == 0);
    CHECK_THAT(f.log.str(), Catch::Contains("fetch stage0/src.tgz: present, sha256 ok"));
}

TEST_CASE("fetch: a file already there but wrong is replaced", "[fetch]") {
    Fixture f;
    f.server.route("/s/src.tgz", f.body);
    f.t.write("fetch/stage0/src.tgz", "not the source");
    f.run(f.package({"/s/src.tgz"}));
    CHECK(f.report.fetched == 1);
    CHECK(f.fetched() == f.body);
    CHECK_THAT(f.log.str(),
               Catch::Contains("present but sha256 " + seedboot::sha256_hex("not the source") +
                               ", expected " + seedboot::sha256_hex(f.body) + ": removed"));
}

TEST_CASE("fetch: all mirrors failing: the list names the file and each URL's failure", "[fetch]") {
    Fixture f;
    std::string wrong = noise(5000, 3);
    f.server.route("/bad/src.tgz", wrong);
    // Port 1 (tcpmux): nothing listens there. A port an HttpServer just gave up could be
    // handed to a test running beside this one.
    std::string dead = "http://127.0.0.1:1/src.tgz";
    stagex::Package p = f.package({"/missing/src.tgz", "/bad/src.tgz"});
    p.sources[0].mirrors.push_back(dead);
    f.run(p);
    REQUIRE(f.report.failed.size() == 1);
    const auto& u = f.report.failed[0];
    CHECK(u.package == "stage0");
    CHECK(u.file == "src.tgz");
    REQUIRE(u.tried.size() == 3);
    CHECK(u.tried[0].url == f.server.url("/missing/src.tgz"));
    CHECK(u.tried[0].what == "HTTP 404");
    CHECK(u.tried[1].what == "sha256 " + seedboot::sha256_hex(wrong) + " (5000 bytes), expected " +
                                 seedboot::sha256_hex(f.body) + ": removed");
    CHECK_THAT(u.tried[2].what, Catch::Contains("connect"));
    std::string list = fetch::describe(f.report.failed);
    CHECK_THAT(list,
               Catch::StartsWith("  stage0/src.tgz (sha256 " + seedboot::sha256_hex(f.body) +
                                 "):\n    " + f.server.url("/missing/src.tgz") +
                                 ": HTTP 404\n    " + f.server.url("/bad/src.tgz") + ": sha256 "));
    CHECK_THAT(list, Catch::Contains("    " + dead + ": "));
    CHECK_FALSE(exists(f.dir + "/stage0/src.tgz"));
    CHECK_FALSE(exists(f.partial()));
}

TEST_CASE("fetch: a cut-off that never finishes keeps its partial file for the next run",
          "[fetch]") {
    Fixture f;
    f.server.route("/stall/src.tgz", f.body, B::stall, 20000);
    f.options.resumes = 0;
    f.options.limits.stall_seconds = 1;
    f.run(f.package({"/stall/src.tgz"}));
    REQUIRE(f.report.failed.size() == 1);
    CHECK(f.report.failed[0].tried[0].what == "stalled: no data for 1 s");
    CHECK(slurp(f.partial()) == f.body.substr(0, 20000));
    CHECK_FALSE(exists(f.dir + "/stage0/src.tgz"));
}

TEST_CASE("fetch: a partial file another fetch is writing is left alone", "[fetch]") {
    Fixture f;
    f.server.route("/s/src.tgz", f.body);
    std::string partial = f.t.write("fetch/.partial/stage0/src.tgz", f.body.substr(0, 10));
    int fd = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX) == 0); // as a second seedboot fetch holds it
    f.run(f.package({"/s/src.tgz"}));
    ::close(fd);
    REQUIRE(f.report.failed.size() == 1);
    CHECK(f.report.failed[0].tried[0].what == "another seedboot fetch is writing " + partial);
    CHECK(f.server.requests("/s/src.tgz") == 0);
    CHECK(slurp(partial) == f.body.substr(0, 10));
}

TEST_CASE("fetch: --only fetches the named files only", "[fetch]") {
    Fixture f;
    f.server.route("/s/src.tgz", f.body);
    f.server.route("/s/other.tgz", "other");
    stagex::Package p =
        f.package({"/s/src.tgz"}, "[sources.other]\nhash = \"" + seedboot::sha256_hex("other") +
                                      "\"\nmirrors = [\"" + f.server.url("/s/other.tgz") + "\"]\n");
    f.run(p, {"other.tgz"});
    CHECK(f.report.fetched == 1);
    CHECK(slurp(f.dir + "/stage0/other.tgz") == "other");
    CHECK(f.server.requests("/s/src.tgz") == 0);
}

TEST_CASE("fetch: a fetch folder that cannot be made is named", "[fetch]") {
    Fixture f;
    f.t.write("file", "x");
    f.dir = f.t.path + "/file/fetch";
    f.run(f.package({"/s/src.tgz"}));
    REQUIRE(f.report.failed.size() == 1);
    CHECK_THAT(f.report.failed[0].tried[0].what,
               Catch::StartsWith("cannot create " + f.t.path + "/file/fetch/stage0: "));
    CHECK(f.server.requests("/s/src.tgz") == 0);
}

TEST_CASE("fetch: check_fetched says missing, wrong or right", "[fetch]") {
    Fixture f;
    stagex::Package p = f.package({"/s/src.tgz"});
    CHECK(fetch::check_fetched(f.dir, "stage0", p.sources[0]) == "missing");
    f.t.write("fetch/stage0/src.tgz", "abc");
    CHECK(fetch::check_fetched(f.dir, "stage0", p.sources[0]) ==
          "sha256 " + seedboot::sha256_hex("abc") + " (3 bytes), expected " +
              seedboot::sha256_hex(f.body));
    f.t.write("fetch/stage0/src.tgz", f.body);
    CHECK(fetch::check_fetched(f.dir, "stage0", p.sources[0]).empty());
}

TEST_CASE("fetch: the progress line", "[fetch]") {
    CHECK(fetch::human_bytes(512) == "512 B");
    CHECK(fetch::human_bytes(1536) == "1.5 KiB");
    CHECK(fetch::human_bytes(12900000) == "12.3 MiB");
    CHECK(fetch::progress_text("stage0/a.tgz", 25 << 20, 100 << 20, 1.5 * (1 << 20)) ==
          "  stage0/a.tgz  25.0 MiB of 100.0 MiB  25%  1.5 MiB/s");
    CHECK(fetch::progress_text("a", 2048, std::nullopt, 100) == "  a  2.0 KiB  100 B/s");
    std::ostringstream quiet, live;
    fetch::ProgressLine off(quiet, "a", false), on(live, "a", true);
    off.update(10, 100);
    on.update(10, 100);
    CHECK(quiet.str().empty());
    CHECK(live.str() == "\r\033[K  a  10 B of 100 B  10%  0 B/s");
}
