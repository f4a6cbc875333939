#include "init/layers/layer_cache.hpp"

#include "init/layers/layer_copy.hpp"
#include "init/layers/layer_scan.hpp"

#include "init/console/console.hpp"
#include "init/work/work_disk.hpp"

#include "libseedboot/format/text.hpp"
#include "libseedboot/sys/files.hpp"
#include "libseedboot/sys/sha256.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <vector>

namespace init {

namespace fs = std::filesystem;

namespace {

std::string entry_dir(const LayerCache& c, const std::string& key) {
    return c.dir + "/entries/" + key;
}

void turn_off(LayerCache& c, const std::string& why) {
    say("layer cache: " + why + ": the cache is off for the rest of this boot");
    c.on = false;
}

[[nodiscard]] bool remove_tree(const std::string& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
    return !ec || fail("remove " + path + ": " + ec.message());
}

[[nodiscard]] bool read_digest(const std::string& file, seedboot::LayerDigest& d) {
    std::string text, err;
    if (!seedboot::read_file(file, "layer digest", text, err, 256)) return fail(err);
    auto w = seedboot::split_words(
        seedboot::split_lines(text).empty() ? std::string_view() : seedboot::split_lines(text)[0]);
    if (w.size() == 2 && seedboot::is_sha256_hex(w[0]) && seedboot::parse_u64(w[1], d.entries)) {
        d.sha256 = w[0];
        return true;
    }
    return fail(file + " is not 'SHA256 ENTRIES'");
}

struct Entry {
    std::string key;
    int64_t used = 0; // its folder's modification time
    uint64_t bytes = 0;
};

std::vector<Entry> entries(const LayerCache& c) {
    std::vector<Entry> list;
    std::error_code ec;
    for (fs::directory_iterator it(c.dir + "/entries", ec), end; !ec && it != end;
         it.increment(ec)) {
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0) continue;
        Entry e{it->path().filename().string(), st.st_mtim.tv_sec, 0};
        for (fs::recursive_directory_iterator r(it->path(), ec), rend; !ec && r != rend;
             r.increment(ec))
            if (::lstat(r->path().c_str(), &st) == 0) e.bytes += uint64_t(st.st_blocks) * 512;
        list.push_back(e);
    }
    std::sort(list.begin(), list.end(), [](const Entry& a, const Entry& b) {
        return a.used != b.used ? a.used < b.used : a.key < b.key;
    });
    return list;
}

[[nodiscard]] bool space(const LayerCache& c, uint64_t& free, uint64_t& total) {
    struct statvfs sv {};
    if (::statvfs(c.dir.c_str(), &sv) != 0) return fail_errno("statvfs " + c.dir);
    free = uint64_t(sv.f_bavail) * sv.f_frsize;
    total = uint64_t(sv.f_blocks) * sv.f_frsize;
    return true;
}

std::string mib(uint64_t bytes) {
    return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB";
}

// Drops the entries used longest ago until `need` bytes fit with a sixteenth of the disk left.
[[nodiscard]] bool make_room(LayerCache& c, uint64_t need) {
    uint64_t free = 0, total = 0;
    if (!space(c, free, total)) return false;
    if (need + total / 16 > total) {
        say("layer cache: a layer of " + mib(need) + " does not fit a cache of " + mib(total) +
            ": not cached");
        return false;
    }
    for (const Entry& e : entries(c)) {
        if (free >= need + total / 16) break;
        if (!remove_tree(entry_dir(c, e.key))) return false;
        free += e.bytes;
        say("layer cache: dropped " + e.key.substr(0, 12) + " (" + mib(e.bytes) +
            "), used longest ago, to make room");
    }
    if (free >= need + total / 16) return true;
    say("layer cache: no room for a layer of " + mib(need) + ": not cached");
    return false;
}

} // namespace

void open_cache(LayerCache& c) {
    std::string device, why;
    if (!find_cache_partition(device, why)) {
        say("layer cache: none (" + why + "): every step runs");
        return;
    }
    if (::mount(device.c_str(), c.dir.c_str(), "ext4", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) !=
        0) {
        fail_errno("mount the layer cache " + device + " on " + c.dir);
        say("layer cache: off: every step runs");
        return;
    }
    c.on = c.mounted = true;
    std::string err;
    if (!reported(seedboot::make_dirs(c.dir + "/entries", err), err) ||
        !remove_tree(c.dir + "/incoming") ||
        !reported(seedboot::make_dirs(c.dir + "/incoming", err), err))
        return turn_off(c, "its folders cannot be made");
    uint64_t free = 0, total = 0;
    if (!space(c, free, total)) return turn_off(c, "its space cannot be read");
    say("layer cache: " + device + ", " + std::to_string(entries(c).size()) + " entries, " +
        mib(total - free) + " of " + mib(total) + " used");
}

[[nodiscard]] bool fetch_layer(LayerCache& c, const std::string& key, const std::string& into,
                               seedboot::LayerDigest& got, bool& hit) {
    hit = false;
    if (!c.on) return true;
    std::string dir = entry_dir(c, key);
    struct stat st {};
    if (::lstat((dir + "/digest").c_str(), &st) != 0) return true;
    seedboot::LayerDigest want;
    CopyCount n;
    if (!read_digest(dir + "/digest", want) || !copy_layer(dir + "/layer", into, n)) {
        say("layer cache: entry " + key + " cannot be read: dropped, the step runs");
        return remove_tree(dir) && false;
    }
    if (!digest_layer(into, got)) return false;
    if (got.sha256 != want.sha256 || got.entries != want.entries) {
        say("layer cache: entry " + key + " is damaged: its layer's digest is " + got.sha256 +
            " (" + std::to_string(got.entries) + " entries), it was stored as " + want.sha256 +
            " (" + std::to_string(want.entries) + "): dropped, the step runs");
        (void)remove_tree(dir);
        return false;
    }
    ::utimensat(AT_FDCWD, dir.c_str(), nullptr, 0); // used now: the last to be dropped
    hit = true;
    return true;
}

void store_layer(LayerCache& c, const std::string& key, const std::string& from,
                 const seedboot::LayerDigest& d, uint64_t bytes) {
    if (!c.on || !make_room(c, bytes + d.entries * 4096 + (1 << 20))) return;
    std::string tmp = c.dir + "/incoming/" + key, dir = entry_dir(c, key);
    CopyCount n;
    std::string err, digest = d.sha256 + " " + std::to_string(d.entries) + "\n";
    // The digest is written in place: the entry becomes one only by the rename below, after
    // the syncfs that makes all of it durable.
    bool ok = remove_tree(tmp) && reported(seedboot::make_dirs(tmp + "/layer", err), err) &&
              copy_layer(from, tmp + "/layer", n) &&
              reported(seedboot::write_file(tmp + "/digest", digest, 0644, err), err) &&
              reported(seedboot::sync_fs(c.dir, err), err) && remove_tree(dir) &&
              ::rename(tmp.c_str(), dir.c_str()) == 0 &&
              reported(seedboot::fsync_dir(c.dir + "/entries", err), err);
    if (!ok) {
        (void)remove_tree(tmp);
        turn_off(c, "storing a layer under " + key.substr(0, 12) + " failed");
    }
}

void close_cache(LayerCache& c) {
    c.on = false;
    if (!c.mounted) return;
    c.mounted = false;
    ::sync();
    if (::umount2(c.dir.c_str(), 0) != 0) fail_errno("unmount the layer cache " + c.dir);
}

} // namespace init
