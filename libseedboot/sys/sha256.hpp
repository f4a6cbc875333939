// SHA-256 over libsodium, the one hash every check in seedboot uses.
#pragma once

#include <sodium.h>

#include <cstdint>

#include <string>
#include <string_view>

namespace seedboot {

class Sha256 {
  public:
    Sha256() { crypto_hash_sha256_init(&state_); }
    void update(const void* data, size_t size) {
        crypto_hash_sha256_update(&state_, static_cast<const unsigned char*>(data), size);
    }
    // Lower-case hex digest; the object is spent afterwards.
    std::string hex();

  private:
    crypto_hash_sha256_state state_;
};

std::string sha256_hex(std::string_view data);

// Hashes an open file descriptor from its current offset to EOF. Returns false
// (errno set) on a read error.
[[nodiscard]] bool sha256_fd(int fd, std::string& hex_out, uint64_t& size_out);

[[nodiscard]] bool is_sha256_hex(std::string_view s);

} // namespace seedboot
