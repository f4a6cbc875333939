#include "http_get.hpp"

#include <curl/curl.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

namespace builder::fetch {

namespace {

using Clock = std::chrono::steady_clock;

struct Sink {
    std::FILE* file;
    uint64_t offset;
    const ProgressFn& progress;
    long stall_seconds;
    uint64_t received = 0, received_at_last_data = 0;
    int write_errno = 0;
    Clock::time_point last_data = Clock::now();
    bool stalled = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* s = static_cast<Sink*>(user);
    size_t bytes = size * count;
    errno = 0;
    if (std::fwrite(data, 1, bytes, s->file) != bytes) {
        s->write_errno = errno ? errno : EIO;
        return 0; // curl stops with CURLE_WRITE_ERROR
    }
    s->received += bytes;
    return bytes;
}

// curl calls this at least once a second, data or not: the stall clock runs here.
// Its figures count this transfer only; the file also holds `offset` bytes.
int on_progress(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t, curl_off_t) {
    auto* s = static_cast<Sink*>(user);
    Clock::time_point now = Clock::now();
    if (s->received != s->received_at_last_data) {
        s->received_at_last_data = s->received;
        s->last_data = now;
    } else if (now - s->last_data >= std::chrono::seconds(s->stall_seconds)) {
        s->stalled = true;
        return 1; // curl stops with CURLE_ABORTED_BY_CALLBACK
    }
    if (s->progress) {
        std::optional<uint64_t> total;
        if (dltotal > 0) total = s->offset + uint64_t(dltotal);
        s->progress(s->offset + uint64_t(dlnow), total);
    }
    return 0;
}

void global_init() {
    static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)rc; // a failed init shows as a failed curl_easy_init below
}

void set_options(CURL* h, const std::string& url, uint64_t offset, const TransferLimits& limits,
                 Sink& sink, char* errbuf) {
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "seedboot-fetch (libcurl)");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, limits.connect_seconds);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, limits.slow_bytes_per_second);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, limits.slow_seconds);
    curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, curl_off_t(offset));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &sink);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
}

std::string curl_text(CURLcode rc, const char* errbuf) {
    return errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
}

void classify(CURL* h, CURLcode rc, const char* errbuf, const Sink& sink, Transfer& t) {
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    using O = Transfer::Outcome;
    if (rc == CURLE_OK) {
        t.outcome = O::complete;
    } else if (sink.write_errno) {
        t.outcome = O::local;
        t.what = std::string("cannot write the partial file: ") + std::strerror(sink.write_errno);
    } else if (rc == CURLE_HTTP_RETURNED_ERROR) {
        t.outcome = status == 416 ? O::range_refused : O::http_error;
        t.what = "HTTP " + std::to_string(status);
    } else if (rc == CURLE_RANGE_ERROR) {
        t.outcome = O::range_ignored;
        t.what = "the server ignored the Range request (HTTP " + std::to_string(status) + ")";
    } else if (sink.stalled) {
        t.what = "stalled: no data for " + std::to_string(sink.stall_seconds) + " s";
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        t.what = "timed out: " + curl_text(rc, errbuf);
    } else {
        t.what = curl_text(rc, errbuf);
    }
}

} // namespace

Transfer http_get(const std::string& url, std::FILE* file, uint64_t offset,
                  const TransferLimits& limits, const ProgressFn& progress) {
    global_init();
    Transfer t;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
    if (!h) {
        t.outcome = Transfer::Outcome::local;
        t.what = "libcurl failed to initialise";
        return t;
    }
    Sink sink{file, offset, progress, limits.stall_seconds};
    char errbuf[CURL_ERROR_SIZE] = "";
    set_options(h.get(), url, offset, limits, sink, errbuf);
    CURLcode rc = curl_easy_perform(h.get());
    classify(h.get(), rc, errbuf, sink, t);
    t.received = sink.received;
    curl_off_t length = -1;
    curl_easy_getinfo(h.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length >= 0 && t.outcome == Transfer::Outcome::complete)
        t.total = offset + uint64_t(length);
    if (std::fflush(file) != 0 && t.outcome != Transfer::Outcome::local) {
        t.outcome = Transfer::Outcome::local;
        t.what = std::string("cannot write the partial file: ") + std::strerror(errno);
    }
    return t;
}

} // namespace builder::fetch
