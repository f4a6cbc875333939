// Source locks (rootfs/locks/*.lock): any bytes must load or be refused with a message naming
// the file, never crash; a loaded lock has a name, a known kind and a sha256.
#include "fuzz_util.hpp"

#include "builder/spec/source_lock.hpp"

#include "libseedboot/sys/sha256.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = fuzz::write_temp("lock", data, size);
    builder::SourceLock lock;
    std::string err;
    if (!builder::load_lock(path, lock, err)) {
        fuzz::expect_named(err, path, "a lock error does not name the file");
        return 0;
    }
    if (lock.name.empty() || (lock.kind != "tree" && lock.kind != "file") ||
        !seedboot::is_sha256_hex(lock.sha256))
        fuzz::fail("a loaded lock lacks name, kind or sha256");
    return 0;
}
