// A libsquashfs compressor that asks a block store (block_store.hpp) before it
// compresses: a block it has seen, in this image or (with the on-disk cache) in
// an earlier run, costs a SHA-256 instead of a zstd run.
//
// The output stays byte-identical to the plain compressor's, whatever the
// store holds or lacks: the key is the SHA-256 of everything the answer depends
// on (a format tag, the libsquashfs and zstd versions, the compressor's id,
// level, block size and flags, the input size, the output room and the input
// bytes), the store verifies what it returns, and errors are never stored.
#pragma once

#include "block_store.hpp"

#include <sqfs/compressor.h>

#include <memory>

namespace builder {

// Wraps `inner`, a compressor (not a decompressor), taking ownership of it: on
// success `*out` replaces it and sqfs_destroy(*out) destroys both. Copies that
// libsquashfs makes for its worker threads share `store`. Returns 0 or a
// libsquashfs error code (then `inner` is destroyed).
int make_caching_compressor(sqfs_compressor_t* inner, std::shared_ptr<BlockStore> store,
                            sqfs_compressor_t** out);

} // namespace builder
