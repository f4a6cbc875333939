// The caching compressor; see caching_compressor.hpp.
#include "caching_compressor.hpp"

#include "fast_sha256.hpp"

#include "libseedboot/sys/le.hpp"

#include <sqfs/error.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <type_traits>

namespace builder {
namespace {

// Changing what a key covers, or what an answer means, needs a new tag. libsquashfs's
// version is in it because its compressor decides how zstd is called.
constexpr char kKeyTag[] = "seedboot block cache key 1, libsquashfs " SEEDBOOT_SQFS_VERSION;

// libsquashfs only knows the sqfs_compressor_t at the start of this object and
// calls through its function pointers; they find the rest from there.
struct CachingCompressor {
    sqfs_compressor_t base;
    sqfs_compressor_t* inner;
    std::shared_ptr<BlockStore>* store; // owned; a pointer keeps this standard-layout
};
static_assert(std::is_standard_layout_v<CachingCompressor>, "base must be at offset 0");

CachingCompressor* self_of(const void* obj) {
    return reinterpret_cast<CachingCompressor*>(const_cast<void*>(obj));
}

// Everything else but the input bytes that decides the inner compressor's answer. The
// room for the output counts because an answer that does not fit is "no gain".
std::string key_params(const sqfs_compressor_t* inner, uint32_t size, uint32_t room) {
    sqfs_compressor_config_t cfg;
    inner->get_configuration(inner, &cfg);
    unsigned char p[28];
    seedboot::put_le32(p, cfg.id);
    seedboot::put_le32(p + 4, cfg.flags);
    seedboot::put_le32(p + 8, cfg.block_size);
    seedboot::put_le32(p + 12, cfg.level);
    seedboot::put_le32(p + 16, ZSTD_versionNumber()); // another zstd may make other bytes
    seedboot::put_le32(p + 20, size);
    seedboot::put_le32(p + 24, room);
    return std::string(kKeyTag, sizeof kKeyTag) + std::string(reinterpret_cast<char*>(p), sizeof p);
}

sqfs_s32 answer(const CompressedBlock& block, sqfs_u8* out) {
    if (!block.smaller) return 0;
    std::memcpy(out, block.bytes.data(), block.bytes.size());
    return sqfs_s32(block.bytes.size());
}

sqfs_s32 do_block_cached(CachingCompressor& self, const sqfs_u8* in, sqfs_u32 size, sqfs_u8* out,
                         sqfs_u32 outsize) {
    // A compressed answer is shorter than the input and fits the room given.
    const uint32_t max_bytes = std::min<uint32_t>(size - 1, outsize);
    BlockKey key;
    std::string_view input(reinterpret_cast<const char*>(in), size);
    if (!fast_sha256({key_params(self.inner, size, outsize), input}, key)) return SQFS_ERROR_ALLOC;
    BlockStore& store = **self.store;
    CompressedBlock block;
    if (store.load(key, max_bytes, block)) {
        store.stats.reused++;
        return answer(block, out);
    }
    sqfs_s32 ret = self.inner->do_block(self.inner, in, size, out, outsize);
    if (ret < 0 || uint32_t(ret) > max_bytes) return ret; // errors are not remembered
    store.stats.compressed++;
    block.smaller = ret > 0;
    block.bytes.assign(reinterpret_cast<const char*>(out), size_t(ret));
    store.save(key, block);
    return ret;
}

sqfs_s32 do_block(sqfs_compressor_t* cmp, const sqfs_u8* in, sqfs_u32 size, sqfs_u8* out,
                  sqfs_u32 outsize) {
    CachingCompressor& self = *self_of(cmp);
    if (size == 0) return self.inner->do_block(self.inner, in, size, out, outsize);
    try { // libsquashfs is C: nothing may unwind through it
        return do_block_cached(self, in, size, out, outsize);
    } catch (...) {
        return SQFS_ERROR_ALLOC;
    }
}

void get_configuration(const sqfs_compressor_t* cmp, sqfs_compressor_config_t* cfg) {
    const sqfs_compressor_t* inner = self_of(cmp)->inner;
    inner->get_configuration(inner, cfg);
}

int write_options(sqfs_compressor_t* cmp, sqfs_file_t* file) {
    sqfs_compressor_t* inner = self_of(cmp)->inner;
    return inner->write_options(inner, file);
}

int read_options(sqfs_compressor_t* cmp, sqfs_file_t* file) {
    sqfs_compressor_t* inner = self_of(cmp)->inner;
    return inner->read_options(inner, file);
}

void destroy(sqfs_object_t* obj) {
    CachingCompressor* self = self_of(obj);
    sqfs_destroy(self->inner);
    delete self->store;
    delete self;
}

sqfs_object_t* create(sqfs_compressor_t* inner, const std::shared_ptr<BlockStore>& store);

// libsquashfs copies the compressor once per worker thread.
sqfs_object_t* copy(const sqfs_object_t* obj) {
    const CachingCompressor* self = self_of(obj);
    auto* inner = static_cast<sqfs_compressor_t*>(sqfs_copy(self->inner));
    if (inner == nullptr) return nullptr;
    sqfs_object_t* made = create(inner, *self->store);
    if (made == nullptr) sqfs_destroy(inner);
    return made;
}

// The wrapper around `inner`, or null (out of memory; `inner` left to the caller).
sqfs_object_t* create(sqfs_compressor_t* inner, const std::shared_ptr<BlockStore>& store) {
    auto* self = new (std::nothrow) CachingCompressor{};
    auto* shared = new (std::nothrow) std::shared_ptr<BlockStore>(store);
    if (self == nullptr || shared == nullptr) {
        delete self;
        delete shared;
        return nullptr;
    }
    self->inner = inner;
    self->store = shared;
    self->base.get_configuration = get_configuration;
    self->base.write_options = write_options;
    self->base.read_options = read_options;
    self->base.do_block = do_block;
    self->base.base.destroy = destroy;
    self->base.base.copy = copy;
    return &self->base.base;
}

} // namespace

int make_caching_compressor(sqfs_compressor_t* inner, std::shared_ptr<BlockStore> store,
                            sqfs_compressor_t** out) {
    sqfs_object_t* made = create(inner, store);
    if (made == nullptr) {
        sqfs_destroy(inner);
        return SQFS_ERROR_ALLOC;
    }
    *out = reinterpret_cast<sqfs_compressor_t*>(made);
    return 0;
}

} // namespace builder
