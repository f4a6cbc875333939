// The block memo: the block store of one image when no `--block-cache` is
// given. It lets a block that occurs again in the same image (a duplicate file,
// a copied tree) reuse what the compressor made of it the first time, instead
// of compressing it again only for squashfs to deduplicate it afterwards.
//
// Keeping every compressed block in memory would cost as much as the image's
// compressible part (about 20 MB for `make bench`'s tree), so the compressed
// bytes go to an unlinked temporary file next to the image; memory holds an
// index of 48 bytes or so a block. The file disappears when the memo does.
#pragma once

#include "block_store.hpp"

#include <memory>
#include <string>

namespace builder {

// A memo whose temporary file lives in `dir` (the image's folder, so known to be
// writable and on a disk rather than in memory, as /tmp may be). Fails, naming
// `dir`, if no file can be created there.
[[nodiscard]] bool open_block_memo(const std::string& dir, std::shared_ptr<BlockStore>& out,
                                   std::string& err);

} // namespace builder
