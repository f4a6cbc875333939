// The on-disk block cache of `--block-cache DIR`: what the compressor made of
// each block, one file per block, so that a repack after a small change
// compresses only the blocks that changed.
//
//   DIR/ab/ab12...ef     the entry for key ab12...ef (64 hex digits), one of
//                        256 fan-out folders named for the key's first byte
//
// An entry is written to a temporary file in its folder and renamed into place,
// so a reader sees a whole entry or none; several packs may share DIR. Nothing
// is fsync'd: a crash can leave a short or empty entry, which every read
// detects. An entry is
//
//   offset  size  what
//        0     8  magic "SBBLOCK1"
//        8    32  the key
//       40     1  1: compressed bytes follow; 0: the block does not get smaller
//       41     3  zero
//       44     4  payload length, little endian (0 when the block does not get smaller)
//       48    32  SHA-256 of bytes 0..47 and the payload
//       80     n  payload: the compressed bytes
//
// An entry that fails any check (short, wrong magic or key, bad length or hash)
// is never used: a one-line warning names the file and what is wrong, the block
// is compressed again and the entry rewritten.
#pragma once

#include "block_store.hpp"

#include <memory>
#include <string>

namespace builder {

// Opens (creating it if need be) the cache in `dir`. Fails, with an error naming
// `dir`, unless it is a directory this process can create files in.
[[nodiscard]] bool open_block_cache(const std::string& dir, std::shared_ptr<BlockStore>& out,
                                    std::string& err);

} // namespace builder
