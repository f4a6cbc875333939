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

bool failed(const std::string& archive_path, archive* a, const std::string& what,
            std::string& err) {
    const char* why = a ? archive_error_string(a) : "out of memory";
    err = archive_path + ": " + what + ": " + (why ? why : "unknown libarchive error");
    return false;
}

// A name an archive may carry: relative, with no ".." component.
bool inside(const std::string& name) {
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

} // namespace

bool unpack_archive(const std::string& path, const std::string& dest_dir, std::string& err) {
    // libarchive refuses a symlink anywhere on the way, so the destination is named without any.
    std::error_code ec;
    std::string dest = std::filesystem::canonical(dest_dir, ec).string();
    if (ec) {
        err = dest_dir + ": " + ec.message();
        return false;
    }
    Reader in(archive_read_new(), archive_read_free);
    Writer out(archive_write_disk_new(), archive_write_free);
    if (!in || !out) return failed(path, nullptr, "out of memory", err);
    archive_read_support_format_tar(in.get());
    archive_read_support_filter_gzip(in.get());
    archive_read_support_filter_bzip2(in.get());
    archive_read_support_filter_xz(in.get());
    archive_write_disk_set_options(out.get(), kExtractFlags);
    if (archive_read_open_filename(in.get(), path.c_str(), 64 * 1024) != ARCHIVE_OK)
        return failed(path, in.get(), "cannot open it as a tar archive", err);
    for (;;) {
        archive_entry* e = nullptr;
        int rc = archive_read_next_header(in.get(), &e);
        if (rc == ARCHIVE_EOF) break;
        if (rc != ARCHIVE_OK) return failed(path, in.get(), "damaged or truncated", err);
        std::string name = archive_entry_pathname(e);
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
        while ((rc = archive_read_data_block(in.get(), &block, &size, &offset)) == ARCHIVE_OK)
            if (archive_write_data_block(out.get(), block, size, offset) != ARCHIVE_OK)
                return failed(path, out.get(), "write " + name, err);
        if (rc != ARCHIVE_EOF) return failed(path, in.get(), "read " + name, err);
        if (archive_write_finish_entry(out.get()) != ARCHIVE_OK)
            return failed(path, out.get(), "finish " + name, err);
    }
    if (archive_write_close(out.get()) != ARCHIVE_OK)
        return failed(path, out.get(), "finish unpacking", err);
    return true;
}

} // namespace builder
