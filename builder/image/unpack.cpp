#include "unpack.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <memory>

namespace builder {

namespace {

using Reader = std::unique_ptr<archive, decltype(&archive_read_free)>;
using Writer = std::unique_ptr<archive, decltype(&archive_write_free)>;

// Entry names are checked before they are put under the destination (so libarchive's own
// absolute-path refusal cannot apply); it still refuses ".." and writes through symlinks.
constexpr int kExtractFlags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
                              ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS;

[[nodiscard]] bool failed(const std::string& archive_path, archive* a, const std::string& what,
                          std::string& err) {
    const char* why = a ? archive_error_string(a) : "out of memory";
    err = archive_path + ": " + what + ": " +
          (why ? why : "damaged or truncated (libarchive gives no reason)");
    return false;
}

// A name an archive may carry: relative, with no ".." component.
[[nodiscard]] bool inside(const std::string& name) {
    if (name.empty() || name[0] == '/') return false;
    size_t i = 0;
    while (i <= name.size()) {
        size_t end = name.find('/', i);
        if (end == std::string::npos) end = name.size();
        if (name.compare(i, end - i, "..") == 0 && end - i == 2) return false;
        i = end + 1;
    }
    return true;
}

// Entry paths are relative; they land under `dest`, and so do hard link targets.
void rebase(archive_entry* e, const std::string& dest) {
    archive_entry_copy_pathname(e, (dest + "/" + archive_entry_pathname(e)).c_str());
    const char* hard = archive_entry_hardlink(e);
    if (hard) archive_entry_copy_hardlink(e, (dest + "/" + hard).c_str());
}

// A reader for a tar archive, plain or compressed as StageX's sources are.
[[nodiscard]] bool open_tar(const std::string& path, Reader& in, std::string& err) {
    if (!in) return failed(path, nullptr, "out of memory", err);
    archive_read_support_format_tar(in.get());
    archive_read_support_filter_gzip(in.get());
    archive_read_support_filter_bzip2(in.get());
    archive_read_support_filter_xz(in.get());
    if (archive_read_open_filename(in.get(), path.c_str(), 64 * 1024) != ARCHIVE_OK)
        return failed(path, in.get(), "cannot open it as a tar archive", err);
    return true;
}

// Calls `f(entry, name)` for each entry of the open archive, in order, until it returns false.
[[nodiscard]] bool each_entry(const std::string& path, Reader& in,
                              const std::function<bool(archive_entry*, const std::string&)>& f,
                              std::string& err) {
    for (;;) {
        archive_entry* e = nullptr;
        int rc = archive_read_next_header(in.get(), &e);
        if (rc == ARCHIVE_EOF) return true;
        if (rc != ARCHIVE_OK) return failed(path, in.get(), "damaged or truncated", err);
        if (!f(e, archive_entry_pathname(e))) return false;
    }
}

} // namespace

[[nodiscard]] bool read_archive_files(const std::string& path,
                                      const std::function<bool(const std::string&)>& want,
                                      std::map<std::string, std::string>& out, std::string& err) {
    Reader in(archive_read_new(), archive_read_free);
    std::map<std::string, std::string> found;
    auto read_one = [&](archive_entry* e, const std::string& name) {
        if (archive_entry_filetype(e) != AE_IFREG || !want(name)) return true;
        if (archive_entry_size(e) > static_cast<la_int64_t>(kMaxArchiveText)) {
            err = path + ": entry '" + name + "' is " + std::to_string(archive_entry_size(e)) +
                  " bytes (expected a small text file, at most " + std::to_string(kMaxArchiveText) +
                  ")";
            return false;
        }
        std::string text(static_cast<size_t>(archive_entry_size(e)), '\0');
        la_ssize_t got = archive_read_data(in.get(), text.data(), text.size());
        if (got < 0 || static_cast<size_t>(got) != text.size())
            return failed(path, in.get(), "read " + name, err);
        found[name] = std::move(text);
        return true;
    };
    if (!open_tar(path, in, err) || !each_entry(path, in, read_one, err)) return false;
    out = std::move(found);
    return true;
}

namespace {

// Writes every entry of the open archive `in` under `dest` (a folder named without symlinks).
[[nodiscard]] bool extract_all(const std::string& path, Reader& in, const std::string& dest,
                               std::string& err) {
    Writer out(archive_write_disk_new(), archive_write_free);
    if (!out) return failed(path, nullptr, "out of memory", err);
    archive_write_disk_set_options(out.get(), kExtractFlags);
    auto write_one = [&](archive_entry* e, const std::string& name) {
        const char* hard = archive_entry_hardlink(e);
        if (!inside(name) || (hard && !inside(hard))) {
            err = path + ": entry '" + name +
                  (hard ? "' (a hard link to '" + std::string(hard) + "')" : "'") +
                  " leads out of the folder it unpacks into (expected relative names without '..')";
            return false;
        }
        rebase(e, dest);
        if (archive_write_header(out.get(), e) != ARCHIVE_OK)
            return failed(path, out.get(), "entry " + name, err);
        const void* block = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        int rc;
        while ((rc = archive_read_data_block(in.get(), &block, &size, &offset)) == ARCHIVE_OK)
            if (archive_write_data_block(out.get(), block, size, offset) != ARCHIVE_OK)
                return failed(path, out.get(), "write " + name, err);
        if (rc != ARCHIVE_EOF) return failed(path, in.get(), "read " + name, err);
        if (archive_write_finish_entry(out.get()) != ARCHIVE_OK)
            return failed(path, out.get(), "finish " + name, err);
        return true;
    };
    if (!each_entry(path, in, write_one, err)) return false;
    if (archive_write_close(out.get()) != ARCHIVE_OK)
        return failed(path, out.get(), "finish unpacking", err);
    return true;
}

// libarchive refuses a symlink anywhere on the way, so the destination is named without any.
[[nodiscard]] bool real_folder(const std::string& dir, std::string& out, std::string& err) {
    std::error_code ec;
    out = std::filesystem::canonical(dir, ec).string();
    if (ec) err = dir + ": " + ec.message();
    return !ec;
}

// The inner archive reads the outer one's current member.
la_ssize_t read_member(archive*, void* outer, const void** buf) {
    static thread_local char block[64 * 1024];
    *buf = block;
    return archive_read_data(static_cast<archive*>(outer), block, sizeof block);
}

} // namespace

[[nodiscard]] bool unpack_archive(const std::string& path, const std::string& dest_dir,
                                  std::string& err) {
    std::string dest;
    Reader in(archive_read_new(), archive_read_free);
    return real_folder(dest_dir, dest, err) && open_tar(path, in, err) &&
           extract_all(path, in, dest, err);
}

[[nodiscard]] bool unpack_deb(const std::string& path, const std::string& dest_dir,
                              std::string& err) {
    std::string dest;
    if (!real_folder(dest_dir, dest, err)) return false;
    Reader outer(archive_read_new(), archive_read_free);
    if (!outer) return failed(path, nullptr, "out of memory", err);
    archive_read_support_format_ar(outer.get());
    if (archive_read_open_filename(outer.get(), path.c_str(), 64 * 1024) != ARCHIVE_OK)
        return failed(path, outer.get(), "cannot open it as a .deb (an ar archive)", err);
    bool found = false, ok = false;
    // The first data.tar member is the package's files: unpack it, then stop.
    auto data_member = [&](archive_entry*, const std::string& name) {
        if (name.rfind("data.tar", 0) != 0) return true;
        found = true;
        std::string label = path + " (" + name + ")";
        Reader inner(archive_read_new(), archive_read_free);
        if (!inner) return failed(path, nullptr, "out of memory", err);
        archive_read_support_format_tar(inner.get());
        archive_read_support_filter_gzip(inner.get());
        archive_read_support_filter_xz(inner.get());
        archive_read_support_filter_zstd(inner.get());
        if (archive_read_open(inner.get(), outer.get(), nullptr, read_member, nullptr) !=
            ARCHIVE_OK)
            return failed(label, inner.get(), "cannot open it as a tar", err);
        ok = extract_all(label, inner, dest, err);
        return false;
    };
    if (!each_entry(path, outer, data_member, err) && !found) return false;
    if (!found) err = path + ": no data.tar member (expected a Debian binary package)";
    return found && ok;
}

} // namespace builder
