// One HTTP(S) GET of a source into a partial file, through libcurl: resumed with a
// Range request from the bytes the file already holds, bounded in time so that a
// dead or stalled server never hangs the fetch, and classified so that the caller
// knows whether to resume, start again, or go to the next mirror.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

namespace builder::fetch {

struct TransferLimits {
    long connect_seconds = 30; // to open the connection (TCP and TLS)
    // A transfer that receives no byte for this long is abandoned: the guard against a
    // server that accepts and then stalls, before its headers or in the middle of the body.
    long stall_seconds = 60;
    // A transfer slower than `slow_bytes_per_second` on average over `slow_seconds` is
    // abandoned too (curl's low-speed limit): a trickle must not hold the fetch for hours.
    long slow_bytes_per_second = 1000;
    long slow_seconds = 300;
};

struct Transfer {
    enum class Outcome {
        complete,      // the whole body arrived (curl checked it against Content-Length)
        http_error,    // the server answered 4xx/5xx (not 416)
        range_refused, // 416: the file already holds at least what the server has
        range_ignored, // asked to resume, the server sent the whole file (200)
        network,       // connect, time-out, cut-off, TLS...: worth resuming if bytes came
        local,         // the partial file could not be written: no mirror can help
    };
    Outcome outcome = Outcome::network;
    uint64_t received = 0;         // bytes appended to the file by this transfer
    std::optional<uint64_t> total; // the whole file's size, when the server said
    std::string what;              // one line: what went wrong (empty when complete)
};

// Progress of a transfer: bytes the file holds now, and its whole size when known.
using ProgressFn = std::function<void(uint64_t done, std::optional<uint64_t> total)>;

// GETs `url` (http or https, redirects followed) and appends the body to `file`,
// which already holds `offset` bytes: with offset > 0 it asks for the rest
// (Range: bytes=offset-). The file is flushed before it returns.
Transfer http_get(const std::string& url, std::FILE* file, uint64_t offset,
                  const TransferLimits& limits, const ProgressFn& progress);

} // namespace builder::fetch
