// Where the caching compressor (caching_compressor.hpp) keeps what it made of
// each block, keyed by content: the on-disk cache of `--block-cache DIR`
// (block_cache.hpp) or, without one, a memo that lives for one image
// (block_memo.hpp). Both only speed things up: a block that is missing, or
// whose stored copy fails a check, is compressed again.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace builder {

// SHA-256 of everything the compressor's answer depends on (caching_compressor.cpp).
using BlockKey = std::array<unsigned char, 32>;

// What the compressor made of one block.
struct CompressedBlock {
    bool smaller = false; // false: the output would not be smaller, squashfs stores the block as is
    std::string bytes;    // the compressed bytes when `smaller`
};

// How often the stored answer was used, for the pack commands' summary line.
struct BlockStoreStats {
    std::atomic<uint64_t> reused{0};     // blocks answered from the store
    std::atomic<uint64_t> compressed{0}; // blocks the compressor had to do
};

// Thread-safe: the compressor threads share one store.
class BlockStore {
  public:
    virtual ~BlockStore() = default;
    // True, with `out`, if the store holds a sound answer for `key` whose compressed
    // bytes (if any) number at most `max_bytes` (more cannot be the compressor's answer).
    [[nodiscard]] virtual bool load(const BlockKey& key, size_t max_bytes,
                                    CompressedBlock& out) = 0;
    // Keeps `block` for `key`; a failure only costs speed (and says so, once).
    virtual void save(const BlockKey& key, const CompressedBlock& block) = 0;

    BlockStoreStats stats;
};

} // namespace builder
