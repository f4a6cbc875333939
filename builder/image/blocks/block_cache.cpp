// The on-disk block cache; see block_cache.hpp for the layout and the rules.
#include "block_cache.hpp"

#include "fast_sha256.hpp"

#include "libseedboot/sys/atomic_file.hpp"
#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/io.hpp"
#include "libseedboot/sys/le.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace builder {
namespace {

constexpr char kMagic[8] = {'S', 'B', 'B', 'L', 'O', 'C', 'K', '1'};
constexpr size_t kHeaderBytes = 80;
constexpr size_t kCheckedBytes = 48; // the header before its hash
constexpr size_t kHashOffset = 48;

std::string hex(const BlockKey& key) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (unsigned char b : key) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

std::string_view as_view(const unsigned char* p, size_t n) {
    return {reinterpret_cast<const char*>(p), n};
}

// The whole entry for `block`, or "" if hashing failed (out of memory).
std::string encode(const BlockKey& key, const CompressedBlock& block) {
    unsigned char head[kHeaderBytes] = {};
    std::memcpy(head, kMagic, sizeof kMagic);
    std::memcpy(head + 8, key.data(), key.size());
    head[40] = block.smaller ? 1 : 0;
    const std::string& payload = block.smaller ? block.bytes : std::string();
    seedboot::put_le32(head + 44, uint32_t(payload.size()));
    Sha256Digest check;
    if (!fast_sha256({as_view(head, kCheckedBytes), payload}, check)) return "";
    std::memcpy(head + kHashOffset, check.data(), check.size());
    return std::string(as_view(head, kHeaderBytes)) + payload;
}

// Checks a whole entry file; "" if it is sound, else what is wrong.
std::string check_entry(const std::string& data, const BlockKey& key, size_t max_bytes) {
    if (data.size() < kHeaderBytes)
        return "truncated: " + std::to_string(data.size()) + " bytes, less than the " +
               std::to_string(kHeaderBytes) + "-byte header";
    const auto* head = reinterpret_cast<const unsigned char*>(data.data());
    if (std::memcmp(head, kMagic, sizeof kMagic) != 0) return "bad magic (expected \"SBBLOCK1\")";
    if (std::memcmp(head + 8, key.data(), key.size()) != 0)
        return "holds another block's key (expected its own name)";
    if (head[40] > 1 || head[41] != 0 || head[42] != 0 || head[43] != 0)
        return "bad kind byte " + std::to_string(head[40]) + " (expected 0 or 1, then zeros)";
    uint32_t len = seedboot::get_le32(head + 44);
    if (len != data.size() - kHeaderBytes)
        return "wrong length: the header announces " + std::to_string(len) +
               " payload bytes, the file holds " + std::to_string(data.size() - kHeaderBytes);
    if (head[40] == 0 ? len != 0 : (len == 0 || len > max_bytes))
        return "payload of " + std::to_string(len) + " bytes cannot answer this block (expected " +
               (head[40] == 0 ? std::string("none") : "1 to " + std::to_string(max_bytes)) + ")";
    Sha256Digest check;
    std::string_view all(data);
    if (!fast_sha256({all.substr(0, kCheckedBytes), all.substr(kHeaderBytes)}, check))
        return "cannot be checked (out of memory)";
    if (std::memcmp(head + kHashOffset, check.data(), check.size()) != 0)
        return "payload hash mismatch (the entry was changed or damaged)";
    return "";
}

// Reads all of `path`, which a sound entry keeps within `limit` bytes; false if it
// does not exist (`why` left empty) or cannot be used (`why` says why). No fstat: a
// read of up to limit + 1 bytes finds the size, one system call fewer per block (a warm
// run reads thousands of entries). O_NONBLOCK keeps a fifo from blocking the open;
// reading it, or a directory, then fails.
[[nodiscard]] bool read_whole(const std::string& path, size_t limit, std::string& data,
                              std::string& why) {
    seedboot::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd.ok()) {
        if (errno != ENOENT) why = seedboot::sys_error("cannot open");
        return false;
    }
    // Most entries are 80 bytes ("does not get smaller"): start small, grow if need be.
    data.resize(std::min(limit + 1, size_t(4096)));
    size_t done = 0;
    for (;;) {
        ssize_t got = ::pread(fd.get(), &data[done], data.size() - done, off_t(done));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) why = seedboot::sys_error("read error");
        if (got <= 0) break;
        done += size_t(got);
        if (done == data.size() && done > limit) break;
        if (done == data.size()) data.resize(std::min(limit + 1, 32 * data.size()));
    }
    if (why.empty() && done > limit)
        why = "more than the " + std::to_string(limit) + " bytes an entry for this block can be";
    data.resize(done);
    return why.empty();
}

class BlockCacheDir : public BlockStore {
  public:
    explicit BlockCacheDir(std::string dir) : dir_(std::move(dir)) {}

    bool load(const BlockKey& key, size_t max_bytes, CompressedBlock& out) override {
        const std::string path = entry_path(key);
        std::string data, why;
        if (read_whole(path, kHeaderBytes + max_bytes, data, why))
            why = check_entry(data, key, max_bytes);
        else if (why.empty())
            return false; // not cached yet
        if (!why.empty()) {
            std::fprintf(stderr,
                         "seedboot: warning: %s: damaged block cache entry, not used: %s; "
                         "compressing the block again\n",
                         path.c_str(), why.c_str());
            return false;
        }
        out.smaller = data[40] == 1;
        out.bytes = data.substr(kHeaderBytes);
        return true;
    }

    void save(const BlockKey& key, const CompressedBlock& block) override {
        if (disabled_.load()) return;
        const std::string path = entry_path(key);
        std::string data = encode(key, block);
        if (data.empty()) return; // out of memory: the next run compresses it again
        ::mkdir(path.substr(0, path.rfind('/')).c_str(), 0755); // EEXIST is fine
        // A temporary file of its own, so that concurrent packs never share one. Not made
        // durable: an entry that a power cut leaves short is found out when read.
        seedboot::AtomicFile entry;
        std::string why;
        bool ok = entry.create(path, 0644, why);
        if (ok && !seedboot::write_all(entry.fd(), data))
            why = seedboot::sys_error(path + ": writing " + entry.temp_path()), ok = false;
        if (ok && entry.commit(why, seedboot::AtomicFile::Sync::atomic_only)) return;
        if (!disabled_.exchange(true))
            std::fprintf(stderr,
                         "seedboot: warning: cannot store a block cache entry: %s; storing no "
                         "more entries in this run (the image is not affected)\n",
                         why.c_str());
    }

  private:
    std::string entry_path(const BlockKey& key) const {
        std::string name = hex(key);
        return dir_ + "/" + name.substr(0, 2) + "/" + name;
    }

    std::string dir_;
    std::atomic<bool> disabled_{false};
};

// Creates and removes a file in `dir`: the only sure test that entries can be stored there.
[[nodiscard]] bool probe_writable(const std::string& dir, std::string& err) {
    seedboot::TempFile probe;
    if (probe.create(dir + "/.probe.XXXXXX", err)) return true;
    err = seedboot::sys_error(dir + ": block cache directory is not writable") +
          " (expected a directory seedboot can create files in)";
    return false;
}

} // namespace

[[nodiscard]] bool open_block_cache(const std::string& dir, std::shared_ptr<BlockStore>& out,
                                    std::string& err) {
    namespace fs = std::filesystem;
    if (dir.empty()) {
        err = "--block-cache: empty directory name (expected a directory)";
        return false;
    }
    std::error_code ec;
    std::string why;
    if (fs::exists(fs::symlink_status(dir, ec)) && !fs::is_directory(dir, ec))
        why = "not a directory";
    else if (!fs::create_directories(dir, ec) && ec)
        why = "cannot create it: " + ec.message();
    if (!why.empty()) {
        err = dir + ": cannot use as block cache: " + why + " (expected a directory)";
        return false;
    }
    if (!probe_writable(dir, err)) return false;
    out = std::make_shared<BlockCacheDir>(dir);
    return true;
}

} // namespace builder
