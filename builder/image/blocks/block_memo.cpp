// The block memo of one image; see block_memo.hpp.
#include "block_memo.hpp"

#include "libseedboot/sys/error.hpp"
#include "libseedboot/sys/fd.hpp"
#include "libseedboot/sys/io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace builder {
namespace {

struct KeyHash {
    size_t operator()(const BlockKey& k) const {
        size_t h = 0;
        std::memcpy(&h, k.data(), sizeof h); // the key is a SHA-256: any 8 bytes are uniform
        return h;
    }
};

// Where a block's answer is: in the index alone (not smaller) or in the file.
struct Slot {
    bool smaller = false;
    uint64_t offset = 0;
    uint32_t length = 0;
};

class BlockMemo : public BlockStore {
  public:
    BlockMemo(seedboot::Fd fd, std::string dir) : fd_(std::move(fd)), dir_(std::move(dir)) {}
    BlockMemo(const BlockMemo&) = delete;
    BlockMemo& operator=(const BlockMemo&) = delete;

    bool load(const BlockKey& key, size_t max_bytes, CompressedBlock& out) override {
        Slot slot;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            auto it = index_.find(key);
            if (it == index_.end()) return false;
            slot = it->second;
        }
        if (slot.smaller && slot.length > max_bytes) return false; // cannot happen: same key
        out.smaller = slot.smaller;
        out.bytes.resize(slot.smaller ? slot.length : 0);
        return !slot.smaller ||
               seedboot::pread_exact(fd_.get(), out.bytes.data(), slot.length, slot.offset);
    }

    void save(const BlockKey& key, const CompressedBlock& block) override {
        Slot slot{block.smaller, 0, uint32_t(block.smaller ? block.bytes.size() : 0)};
        if (slot.smaller) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (failed_) return;
                slot.offset = end_;
                end_ += slot.length;
            }
            // Written outside the lock; indexed only once it is all there.
            if (!seedboot::pwrite_all(fd_.get(), block.bytes.data(), slot.length, slot.offset)) {
                fail(errno);
                return;
            }
        }
        std::lock_guard<std::mutex> lock(mutex_);
        index_.emplace(key, slot);
    }

  private:
    void fail(int error) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (failed_) return;
        failed_ = true;
        std::fprintf(stderr,
                     "seedboot: warning: %s: cannot write the block memo's temporary file: %s; "
                     "duplicate blocks are compressed again (the image is not affected)\n",
                     dir_.c_str(), std::strerror(error));
    }

    seedboot::Fd fd_;
    std::string dir_;
    std::mutex mutex_;
    std::unordered_map<BlockKey, Slot, KeyHash> index_;
    uint64_t end_ = 0;
    bool failed_ = false;
};

} // namespace

[[nodiscard]] bool open_block_memo(const std::string& dir, std::shared_ptr<BlockStore>& out,
                                   std::string& err) {
    std::string tmpl = (dir.empty() ? std::string(".") : dir) + "/.seedboot-blocks.XXXXXX";
    seedboot::Fd fd(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!fd.ok()) {
        err = seedboot::sys_error(dir + ": cannot create the block memo's temporary file") +
              " (expected a writable directory)";
        return false;
    }
    ::unlink(tmpl.c_str()); // gone from the directory now, gone from the disk on close
    out = std::make_shared<BlockMemo>(std::move(fd), dir);
    return true;
}

} // namespace builder
