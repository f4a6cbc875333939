// RAII for file descriptors: every fd the PID 1 and the builder open is closed on every path.
#pragma once

#include <unistd.h>

namespace seedboot {

class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& o) noexcept : fd_(o.release()) {}
    Fd& operator=(Fd&& o) noexcept {
        reset(o.release());
        return *this;
    }
    ~Fd() { reset(); }

    int get() const { return fd_; }
    [[nodiscard]] bool ok() const { return fd_ >= 0; }
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }
    // Closes now and says whether close(2) succeeded: it can report a deferred write error,
    // which matters for a file that was written.
    [[nodiscard]] bool close() { return ::close(release()) == 0; }

  private:
    int fd_ = -1;
};

} // namespace seedboot
