// SHA-256 through OpenSSL's EVP interface; see fast_sha256.hpp.
#include "fast_sha256.hpp"

#include <openssl/evp.h>

#include <memory>

namespace builder {
namespace {

struct MdCtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Fetched once: an implicit fetch on every digest costs more than hashing a small block.
const EVP_MD* sha256_md() {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md;
}

} // namespace

[[nodiscard]] bool fast_sha256(std::initializer_list<std::string_view> parts, Sha256Digest& out) {
    const EVP_MD* md = sha256_md();
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (md == nullptr || !ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) return false;
    for (std::string_view p : parts) {
        if (EVP_DigestUpdate(ctx.get(), p.data(), p.size()) != 1) return false;
    }
    unsigned int len = 0;
    return EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1 && len == out.size();
}

} // namespace builder
