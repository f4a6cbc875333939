// SHA-256 of many files in order, with a second thread reading ahead of the hash: while
// one file's bytes are hashed, the next ones come off the disk into the page cache.
// From a squashfs the read is synchronous in whoever asks (squashfs reads and
// decompresses in the caller), so one thread alone waits for every block in turn.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace init {

struct HashedFile {
    std::string path;    // in: the file to hash
    uint64_t listed = 0; // in: its size when listed (which files are worth reading ahead)
    std::string sha256;  // out: lower-case hex
    uint64_t size = 0;   // out: bytes read
};

// Hashes every file; false (reported on the console) on the first one that cannot be read.
// The reading-ahead thread starts only if a file is big enough to gain from it.
[[nodiscard]] bool hash_files(std::vector<HashedFile>& files);

} // namespace init
