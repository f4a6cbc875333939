#include "sha256.hpp"

#include <cerrno>
#include <unistd.h>

namespace seedboot {

std::string Sha256::hex() {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state_, digest);
    static const char digits[] = "0123456789abcdef";
    std::string out(2 * sizeof digest, '0');
    for (size_t i = 0; i < sizeof digest; ++i) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    Sha256 h;
    h.update(data.data(), data.size());
    return h.hex();
}

[[nodiscard]] bool sha256_fd(int fd, std::string& hex_out, uint64_t& size_out) {
    static thread_local unsigned char buf[1 << 16];
    Sha256 h;
    size_out = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) break;
        h.update(buf, static_cast<size_t>(n));
        size_out += static_cast<uint64_t>(n);
    }
    hex_out = h.hex();
    return true;
}

[[nodiscard]] bool is_sha256_hex(std::string_view s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

} // namespace seedboot
