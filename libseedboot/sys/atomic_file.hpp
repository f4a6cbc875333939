// Files that are never seen half-written.
//
// TempFile is scratch space: a new file that disappears when it goes out of scope, unless
// kept. AtomicFile is how seedboot writes every output (root images, disks, SHA256SUMS,
// INPUTS, signatures, keys, block cache entries): the content goes to a hidden temporary file
// next to the output (".NAME.tmp-XXXXXX", so that no pattern such as NAME.minisig.* takes it
// for a finished file), which is flushed (fsync), renamed over NAME and its folder flushed.
// A reader, a failed run or a killed one sees the old file or the new one, never a part; a
// power cut, once commit() returned, the new one. A run killed before commit() leaves the
// hidden temporary file behind, never a visible one.
#pragma once

#include "fd.hpp"

#include <string>
#include <string_view>
#include <sys/types.h>

namespace seedboot {

class TempFile {
  public:
    TempFile() = default;
    ~TempFile();
    TempFile(TempFile&& o) noexcept;
    TempFile& operator=(TempFile&& o) noexcept;

    // Creates a new empty file, mode 0600, named `pattern` with its final "XXXXXX" replaced
    // (mkostemp). `err` names the pattern.
    [[nodiscard]] bool create(std::string pattern, std::string& err);
    // Takes charge of `path`, a file another program is about to make (mkfs.fat wants to
    // create its image itself): it is removed like one this object created.
    void adopt(std::string path);

    int fd() const { return fd_.get(); }
    const std::string& path() const { return path_; }
    // Closes the descriptor now, reporting close(2)'s verdict; the file stays until scope exit.
    [[nodiscard]] bool close() { return fd_.close(); }
    // The file stays: this object forgets it. Returns its path.
    std::string keep();

  private:
    void remove();
    std::string path_;
    Fd fd_;
};

class AtomicFile {
  public:
    // Whether commit() makes the new content durable (fsync of the file and of its folder) or
    // only atomic: a cache entry that a power cut may leave empty, which its reader detects.
    enum class Sync { durable, atomic_only };

    // Starts the new content of `path` with permissions `mode`. A `path` that exists and is
    // not a regular file (a device, a folder, a symlink) is refused: it is not replaced.
    [[nodiscard]] bool create(const std::string& path, mode_t mode, std::string& err);

    int fd() const { return temp_.fd(); }
    const std::string& path() const { return path_; }
    const std::string& temp_path() const { return temp_.path(); }

    // Starts writing what the file holds so far to the disk, in the background, so that the
    // fsync of a large file's commit has little left to wait for. Only a hint: its errors are
    // commit's to report.
    void start_writeback();

    // Puts the content in place of `path`.
    [[nodiscard]] bool commit(std::string& err, Sync sync = Sync::durable);
    // The same, but only if `path` does not exist by then (link(2), which never replaces):
    // for files that must not overwrite what is there (keys without --force).
    [[nodiscard]] bool commit_new(std::string& err);

  private:
    [[nodiscard]] bool flush(std::string& err, Sync sync);
    std::string path_;
    TempFile temp_;
};

// `data` as the whole new content of `path`, through AtomicFile.
[[nodiscard]] bool write_file_atomic(const std::string& path, std::string_view data, mode_t mode,
                                     std::string& err,
                                     AtomicFile::Sync sync = AtomicFile::Sync::durable);

} // namespace seedboot
