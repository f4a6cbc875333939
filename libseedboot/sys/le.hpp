// Little-endian integers in byte buffers, as the on-disk formats (GPT, minisign keys, block
// cache entries, the block cache key) store them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace seedboot {

inline void put_le(unsigned char* p, uint64_t value, size_t bytes) {
    for (size_t i = 0; i < bytes; i++) p[i] = static_cast<unsigned char>(value >> (8 * i));
}

inline uint64_t get_le(const unsigned char* p, size_t bytes) {
    uint64_t value = 0;
    for (size_t i = bytes; i-- > 0;) value = (value << 8) | p[i];
    return value;
}

inline void put_le32(unsigned char* p, uint32_t v) {
    put_le(p, v, 4);
}
inline uint32_t get_le32(const unsigned char* p) {
    return static_cast<uint32_t>(get_le(p, 4));
}
inline void put_le64(unsigned char* p, uint64_t v) {
    put_le(p, v, 8);
}
inline uint64_t get_le64(const unsigned char* p) {
    return get_le(p, 8);
}

} // namespace seedboot
