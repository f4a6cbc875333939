// Tests for the block stores (builder/image/blocks: cache, memo, caching compressor):
// an image comes out byte-identical with no cache, a cold cache, a warm cache and
// a damaged cache; damaged entries are detected, named and replaced; a cache
// directory that cannot be used is an error naming it.
#include "builder/image/blocks/block_cache.hpp"
#include "builder/image/squashfs/squashfs.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using builder::ImageEntry;
using builder::SquashfsOptions;
using builder::SquashfsStats;

namespace {

constexpr size_t kBlock = 128 * 1024;

// Compressible text-like bytes.
std::string text(size_t n, int seed) {
    std::string s;
    for (int line = 0; s.size() < n; ++line)
        s += "line " + std::to_string(line * seed % 977) + ": the quick brown fox " +
             std::to_string(line % 13) + "\n";
    s.resize(n);
    return s;
}

// Every kind of block: compressible and incompressible data blocks, fragments,
// a duplicate file, a file that is a prefix of another, and the tables.
std::vector<ImageEntry> sample(const TempDir& dir) {
    std::string big = dir.write("host/big", text(3 * kBlock + 5000, 7) + noise(2 * kBlock, 1));
    return {
        {"/", 'd', 0755, "", ""},
        {"/a", 'd', 0755, "", ""},
        {"/a/big", 'f', 0644, big, ""},
        {"/a/copy", 'f', 0644, big, ""},
        {"/a/prefix", 'f', 0644, "", text(2 * kBlock, 7)},
        {"/a/noise", 'f', 0600, "", noise(kBlock + 77, 2)},
        {"/b", 'd', 0700, "", ""},
        {"/b/small", 'f', 0644, "", "small file\n"},
        {"/b/text", 'f', 0644, "", text(50000, 3)},
        {"/b/link", 'l', 0777, "", "../a/big"},
    };
}

// Writes `entries` to `out`; returns the stats. `cache` empty: no block cache (but the
// memo); "-": neither, plain zstd for every block.
SquashfsStats pack(const std::vector<ImageEntry>& entries, const std::string& out,
                   const std::string& cache, unsigned workers = 1) {
    SquashfsOptions opt;
    opt.reuse_blocks = cache != "-";
    opt.mtime = 1;
    opt.workers = workers;
    opt.block_cache = cache == "-" ? "" : cache;
    SquashfsStats stats;
    std::string err;
    bool ok = builder::write_squashfs(entries, out, opt, err, &stats);
    INFO(err);
    REQUIRE(ok);
    return stats;
}

// Runs `f` with stderr going to a string, which it returns.
template <typename F> std::string capture_stderr(const TempDir& dir, F f) {
    std::string path = dir.path + "/stderr.txt";
    std::fflush(stderr);
    int saved = ::dup(2);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE((saved >= 0 && fd >= 0));
    ::dup2(fd, 2);
    ::close(fd);
    f();
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    return slurp(path);
}

// The cache's entry files, sorted; each holds a payload (compressed bytes) or not.
struct Entries {
    std::vector<std::string> with_payload, without_payload;
};

Entries cache_entries(const std::string& cache) {
    Entries e;
    for (const auto& f : fs::recursive_directory_iterator(cache)) {
        if (!f.is_regular_file()) continue;
        (fs::file_size(f.path()) > 80 ? e.with_payload : e.without_payload)
            .push_back(f.path().string());
    }
    std::sort(e.with_payload.begin(), e.with_payload.end());
    std::sort(e.without_payload.begin(), e.without_payload.end());
    return e;
}

// Compared by a function so that Catch does not print images on failure.
bool same_file(const std::string& a, const std::string& b) {
    return slurp(a) == slurp(b);
}

void flip_byte(const std::string& path, size_t offset) {
    std::string data = slurp(path);
    REQUIRE(offset < data.size());
    data[offset] = char(data[offset] ^ 0x20);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

void truncate_to(const std::string& path, size_t size) {
    REQUIRE(::truncate(path.c_str(), off_t(size)) == 0);
}

} // namespace

TEST_CASE("block cache: no, cold, warm and multi-threaded caches give the same bytes",
          "[block-cache]") {
    TempDir dir;
    auto entries = sample(dir);
    const std::string cache = dir.path + "/cache";

    SquashfsStats plain = pack(entries, dir.path + "/plain.sqfs", "-");
    CHECK(plain.blocks_compressed + plain.blocks_reused == 0); // nothing counts them
    SquashfsStats none = pack(entries, dir.path + "/none.sqfs", "");
    // Without a cache, the memo still compresses the duplicate file's blocks once.
    CHECK(none.blocks_reused >= 5);
    CHECK(same_file(dir.path + "/none.sqfs", dir.path + "/plain.sqfs"));

    SquashfsStats cold = pack(entries, dir.path + "/cold.sqfs", cache);
    CHECK(cold.blocks_compressed == none.blocks_compressed);
    CHECK(cold.blocks_reused == none.blocks_reused);
    CHECK(same_file(dir.path + "/cold.sqfs", dir.path + "/none.sqfs"));

    SquashfsStats warm = pack(entries, dir.path + "/warm.sqfs", cache);
    CHECK(warm.blocks_compressed == 0);
    CHECK(warm.blocks_reused == cold.blocks_compressed + cold.blocks_reused);
    CHECK(same_file(dir.path + "/warm.sqfs", dir.path + "/none.sqfs"));

    pack(entries, dir.path + "/threads.sqfs", cache, 3);
    CHECK(same_file(dir.path + "/threads.sqfs", dir.path + "/none.sqfs"));

    // No temporary files are left in the cache.
    for (const auto& f : fs::recursive_directory_iterator(cache))
        CHECK(f.path().filename().string().find(".tmp") == std::string::npos);
}

TEST_CASE("block cache: a changed file reuses every other block", "[block-cache]") {
    TempDir dir;
    auto entries = sample(dir);
    const std::string cache = dir.path + "/cache";
    pack(entries, dir.path + "/first.sqfs", cache);
    entries[4].data[kBlock + 10] = '!'; // /a/prefix, second block
    SquashfsStats again = pack(entries, dir.path + "/again.sqfs", cache);
    // The changed block, and the table blocks that hold the new block size.
    CHECK(again.blocks_compressed >= 1);
    CHECK(again.blocks_compressed <= 4);
    SquashfsStats memo = pack(entries, dir.path + "/memo.sqfs", "");
    CHECK(again.blocks_reused > memo.blocks_reused);
    pack(entries, dir.path + "/plain.sqfs", "-");
    CHECK(same_file(dir.path + "/again.sqfs", dir.path + "/plain.sqfs"));
    CHECK(same_file(dir.path + "/memo.sqfs", dir.path + "/plain.sqfs"));
}

TEST_CASE("block cache: damaged entries are named, not used, and replaced", "[block-cache]") {
    TempDir dir;
    auto entries = sample(dir);
    const std::string cache = dir.path + "/cache";
    pack(entries, dir.path + "/good.sqfs", cache);
    pack(entries, dir.path + "/plain.sqfs", "-");
    CHECK(same_file(dir.path + "/good.sqfs", dir.path + "/plain.sqfs"));
    Entries e = cache_entries(cache);
    REQUIRE(e.with_payload.size() >= 5);
    REQUIRE(e.without_payload.size() >= 2);

    // One kind of damage per entry; each would change the image if it were trusted.
    struct Damage {
        std::string file, why;
    };
    std::vector<Damage> damage = {
        {e.with_payload[0], "payload hash mismatch"},
        {e.with_payload[1], "wrong length"},
        {e.with_payload[2], "bad magic"},
        {e.with_payload[3], "another block's key"},
        {e.with_payload[4], "truncated"},
        {e.without_payload[0], "bad kind byte"},
        {e.without_payload[1], "payload hash mismatch"},
    };
    flip_byte(damage[0].file, fs::file_size(damage[0].file) - 1); // last payload byte
    truncate_to(damage[1].file, fs::file_size(damage[1].file) - 1);
    flip_byte(damage[2].file, 0);
    flip_byte(damage[3].file, 8);
    truncate_to(damage[4].file, 0);
    flip_byte(damage[5].file, 41);
    {
        // "not smaller" -> "compressed, 1 byte of payload", consistently but for the hash.
        std::string data = slurp(damage[6].file);
        data[40] = 1;
        data[44] = 1;
        data += 'x';
        std::ofstream(damage[6].file, std::ios::binary | std::ios::trunc) << data;
    }

    SquashfsStats stats;
    std::string warnings =
        capture_stderr(dir, [&] { stats = pack(entries, dir.path + "/damaged.sqfs", cache); });
    CHECK(same_file(dir.path + "/damaged.sqfs", dir.path + "/good.sqfs"));
    CHECK(stats.blocks_compressed >= damage.size());
    for (const Damage& d : damage) {
        INFO(warnings);
        std::string line = d.file + ": damaged block cache entry, not used: ";
        size_t at = warnings.find(line);
        CHECK(at != std::string::npos);
        if (at != std::string::npos)
            CHECK(warnings.substr(at, warnings.find('\n', at) - at).find(d.why) !=
                  std::string::npos);
    }

    // The damaged entries were written again: the next run trusts all of them.
    warnings = capture_stderr(dir, [&] { stats = pack(entries, dir.path + "/again.sqfs", cache); });
    CHECK(warnings.empty());
    CHECK(stats.blocks_compressed == 0);
    CHECK(same_file(dir.path + "/again.sqfs", dir.path + "/good.sqfs"));
}

TEST_CASE("block cache: an unusable directory is an error naming it", "[block-cache]") {
    TempDir dir;
    auto entries = sample(dir);
    std::string file = dir.write("not-a-dir", "x");
    for (const std::string& cache : {file, file + "/sub"}) {
        SquashfsOptions opt;
        opt.block_cache = cache;
        std::string err;
        const std::string out = dir.path + "/x.sqfs";
        CHECK_FALSE(builder::write_squashfs(entries, out, opt, err));
        INFO(err);
        CHECK(err.find(cache + ": cannot use as block cache: ") == 0);
        CHECK(err.find("(expected a directory)") != std::string::npos);
        CHECK_FALSE(fs::exists(out));
    }
    std::shared_ptr<builder::BlockStore> store;
    std::string err;
    CHECK_FALSE(builder::open_block_cache("", store, err));
    CHECK(err.find("--block-cache") != std::string::npos);
}
