#include "layer_tar.hpp"

#include "builder/readback/layered_root.hpp"

#include "libseedboot/sys/sha256.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <memory>
#include <sys/stat.h>
#include <vector>
#include <zlib.h>

namespace builder {

namespace {

using Writer = std::unique_ptr<archive, decltype(&archive_write_free)>;
using Entry = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

constexpr uint64_t kMaxFile = 4ull << 30; // a file read whole into memory

la_ssize_t append(archive*, void* out, const void* data, size_t n) {
    static_cast<std::string*>(out)->append(static_cast<const char*>(data), n);
    return static_cast<la_ssize_t>(n);
}

// The layer digest's view of an entry (libseedboot/format/layers.hpp), `content` already set.
seedboot::LayerEntry digest_entry(const WorkFsEntry& e, uint64_t size, std::string content) {
    bool whiteout = e.type == 'c' && e.rdev_major == 0 && e.rdev_minor == 0;
    char type = whiteout ? 'w' : e.type == 'd' && e.opaque ? 'o' : e.type;
    return {e.path, type, e.mode, e.uid, e.gid, size, std::move(content)};
}

// A whiteout's or opaque marker's header: an empty file of mode 0, as Docker writes them.
WorkFsEntry marker(const WorkFsEntry& e) {
    WorkFsEntry m = e;
    m.mode = 0;
    return m;
}

struct TarWriter {
    archive* a;
    int64_t epoch;
    std::string& err;
    std::string layer;
    std::map<uint32_t, std::string> first_path; // inode -> where its first link went

    bool failed(const std::string& what) {
        const char* why = archive_error_string(a);
        err = "layer " + layer + ": " + what + ": " + (why ? why : "libarchive error");
        return false;
    }

    // One header (and `data`, for a file) named `name` (relative, no leading slash).
    bool put(const std::string& name, mode_t type, const WorkFsEntry& e, const std::string& data,
             const std::string& link = "", bool hard = false) {
        Entry h(archive_entry_new(), archive_entry_free);
        archive_entry_set_pathname(h.get(), name.c_str());
        archive_entry_set_filetype(h.get(), type);
        archive_entry_set_perm(h.get(), e.mode);
        archive_entry_set_uid(h.get(), e.uid);
        archive_entry_set_gid(h.get(), e.gid);
        archive_entry_set_mtime(h.get(), epoch, 0);
        if (hard) archive_entry_set_hardlink(h.get(), link.c_str());
        if (!hard && type == AE_IFLNK) archive_entry_set_symlink(h.get(), link.c_str());
        archive_entry_set_size(h.get(), type == AE_IFREG && !hard ? int64_t(data.size()) : 0);
        if (archive_write_header(a, h.get()) != ARCHIVE_OK) return failed("write " + name);
        if (type != AE_IFREG || hard || data.empty()) return true;
        return archive_write_data(a, data.data(), data.size()) == la_ssize_t(data.size()) ||
               failed("write " + name);
    }

    bool entry(WorkFs& fs, const RootEntry& r, std::vector<seedboot::LayerEntry>& seen) {
        const WorkFsEntry& e = r.entry;
        std::string name = e.path.substr(1), dir, base = name;
        if (size_t slash = name.rfind('/'); slash != std::string::npos) {
            dir = name.substr(0, slash + 1);
            base = name.substr(slash + 1);
        }
        switch (e.type) {
        case 'd':
            seen.push_back(digest_entry(e, 0, "-"));
            return put(name, AE_IFDIR, e, "") &&
                   (!e.opaque || put(name + "/.wh..wh..opq", AE_IFREG, marker(e), ""));
        case 'l':
            seen.push_back(digest_entry(e, e.link_target.size(), e.link_target));
            return put(name, AE_IFLNK, e, "", e.link_target);
        case 'p':
            seen.push_back(digest_entry(e, 0, "-"));
            return put(name, AE_IFIFO, e, "");
        case 'c':
            if (e.rdev_major == 0 && e.rdev_minor == 0) {
                seen.push_back(digest_entry(e, 0, "-"));
                return put(dir + ".wh." + base, AE_IFREG, marker(e), "");
            }
            break;
        case 'f': {
            std::string data;
            if (!read_work_file(fs, r.source, data, err, kMaxFile)) return false;
            seen.push_back(digest_entry(e, data.size(), seedboot::sha256_hex(data)));
            if (e.nlink > 1) {
                auto [it, first] = first_path.emplace(e.ino, name);
                if (!first) return put(name, AE_IFREG, e, "", it->second, true);
            }
            return put(name, AE_IFREG, e, data);
        }
        default:
            break;
        }
        err = "layer " + layer + ": " + e.path + " is a " + std::string(1, e.type) +
              " entry, which a layer of a run does not hold (expected files, folders, "
              "symlinks, fifos and whiteouts)";
        return false;
    }
};

[[nodiscard]] bool write_tar(WorkFs& fs, const std::vector<RootEntry>& entries,
                             const std::string& what, int64_t epoch, std::string& tar,
                             std::vector<seedboot::LayerEntry>& seen, std::string& err) {
    tar.clear();
    Writer w(archive_write_new(), archive_write_free);
    if (!w || archive_write_set_format_pax_restricted(w.get()) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(w.get(), 10240) != ARCHIVE_OK ||
        archive_write_open2(w.get(), &tar, nullptr, append, nullptr, nullptr) != ARCHIVE_OK) {
        err = what + ": cannot start a tar";
        return false;
    }
    TarWriter t{w.get(), epoch, err, what, {}};
    for (const RootEntry& r : entries)
        if (!t.entry(fs, r, seen)) return false;
    return archive_write_close(w.get()) == ARCHIVE_OK || t.failed("finish the tar");
}

} // namespace

[[nodiscard]] bool layer_tar(WorkFs& fs, const seedboot::LayerRef& ref, int64_t epoch,
                             std::string& tar, std::string& err) {
    std::vector<RootEntry> entries;
    std::vector<seedboot::LayerEntry> seen;
    if (!list_layer(fs, ref.name, entries, err) ||
        !write_tar(fs, entries, "layer " + ref.name, epoch, tar, seen, err))
        return false;
    seedboot::LayerDigest d = seedboot::layer_digest(seen);
    if (d.sha256 == ref.digest.sha256 && d.entries == ref.digest.entries) return true;
    err = "layer " + ref.name + " is damaged: its digest is " + d.sha256 + " (" +
          std::to_string(d.entries) + " entries), the journal committed " + ref.digest.sha256 +
          " (" + std::to_string(ref.digest.entries) + "); nothing was exported";
    return false;
}

[[nodiscard]] bool squashed_tar(WorkFs& fs, const seedboot::Stack& stack, int64_t epoch,
                                std::string& tar, std::string& err) {
    for (const auto& ref : stack.layers) // each checked against its digest first
        if (!layer_tar(fs, ref, epoch, tar, err)) return false;
    std::vector<RootEntry> entries;
    std::vector<seedboot::LayerEntry> seen;
    return merge_root(fs, stack, entries, err) &&
           write_tar(fs, entries, "the merged root", epoch, tar, seen, err);
}

[[nodiscard]] bool gzip_layer(const std::string& tar, std::string& gz, std::string& err) {
    if (tar.size() > 0xffffffffu) {
        err = "a layer of " + std::to_string(tar.size()) + " bytes is over gzip's 4 GiB here";
        return false;
    }
    z_stream z{};
    // windowBits 15 + 16: a gzip wrapper, whose header zlib writes with mtime 0 and no name.
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        err = "zlib: cannot start gzip";
        return false;
    }
    gz.resize(deflateBound(&z, tar.size()) + 32);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(tar.data()));
    z.avail_in = static_cast<uInt>(tar.size());
    z.next_out = reinterpret_cast<Bytef*>(gz.data());
    z.avail_out = static_cast<uInt>(gz.size());
    int rc = deflate(&z, Z_FINISH);
    gz.resize(z.total_out);
    deflateEnd(&z);
    if (rc == Z_STREAM_END) return true;
    err = "zlib: gzip of a layer of " + std::to_string(tar.size()) + " bytes failed";
    return false;
}

} // namespace builder
