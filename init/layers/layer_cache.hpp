// The layer cache: layers kept across runs on a disk of their own (a GPT partition named
// seedboot-cache, which `seedboot boot` attaches as OUT/cache.img), keyed by what made them
// (libseedboot/format/layers.hpp layer_key: the tree the step started from, the step's
// definition, the sources it reads). A step whose key is there does not run: its layer is
// copied into the run's work partition, so that the run stays whole on its own disk, and
// its digest is checked again on the copy. An entry whose copy does not match is named,
// dropped and its step run.
//
//   /entries/KEY/layer    the layer, as copy_layer makes it
//   /entries/KEY/digest   "SHA256 ENTRIES": its digest when it was stored
//   /incoming/KEY         an entry being stored (moved to /entries/KEY when complete)
//
// The cache is bounded by its disk: before an entry goes in, the entries used longest ago
// (their folder's time, set on each use) are dropped until it fits with a sixteenth of the
// disk left free. Nothing the cache does can fail a run: a cache that cannot be read or
// written is named and turned off for the rest of the boot.
#pragma once

#include "libseedboot/format/layers.hpp"

#include <cstdint>
#include <string>

namespace init {

struct LayerCache {
    bool on = false;      // entries are looked up and stored
    bool mounted = false; // its partition is mounted (on or turned off since)
    std::string dir = "/cache";
};

// Mounts the cache partition when there is exactly one, and says what it holds.
void open_cache(LayerCache& cache);

// Copies the entry for `key` into the empty layer folder `into` and checks it: `hit` when it
// was there and matches (`got` is its digest). False (the console says why) only when `into`
// was left holding part of a copy: the caller discards it.
[[nodiscard]] bool fetch_layer(LayerCache& cache, const std::string& key, const std::string& into,
                               seedboot::LayerDigest& got, bool& hit);

// Stores layer folder `from` (digest `d`, `bytes` of contents) under `key`.
void store_layer(LayerCache& cache, const std::string& key, const std::string& from,
                 const seedboot::LayerDigest& d, uint64_t bytes);

// Unmounts the cache (before the power-off).
void close_cache(LayerCache& cache);

} // namespace init
