// A real HTTP/1.1 server on 127.0.0.1, on a port the kernel picks, for the
// fetcher's tests: real sockets, real requests, Range answered as a mirror would.
// One thread accepts, one thread per connection answers one request and closes
// (Connection: close). Each path can be told to misbehave the way mirrors do.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace testsupport {

class HttpServer {
  public:
    enum class Behaviour {
        serve,        // 200 with the body; 206 for "Range: bytes=N-" (416 from the end on)
        cut_once,     // the first GET: the whole Content-Length, `cut_at` bytes, then the
                      // connection closes; later GETs are served
        stall,        // the headers and `cut_at` bytes, then nothing until the client hangs up
        ignore_range, // always 200 with the whole body, Range or not
        trickle,      // the body `cut_at` bytes at a time, one piece every 100 ms
    };

    HttpServer(); // listening when it returns; throws std::runtime_error if it cannot
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    uint16_t port() const { return port_; }
    std::string url(const std::string& path) const; // "http://127.0.0.1:PORT" + path

    void route(const std::string& path, std::string body, Behaviour b = Behaviour::serve,
               size_t cut_at = 0);
    // Paths without a route: the file `dir` + path, served; 404 if there is none.
    void serve_dir(const std::string& dir);

    unsigned requests(const std::string& path) const;
    // The Range header of each request for `path`, in order ("" when it had none).
    std::vector<std::string> ranges(const std::string& path) const;

  private:
    struct Route {
        std::string body;
        Behaviour behaviour;
        size_t cut_at;
        unsigned served = 0;
    };
    void accept_loop();
    void answer(int fd);
    bool find(const std::string& path, Route& out);
    void wait_for_hangup(int fd) const;
    void trickle(int fd, const std::string& body, size_t piece) const;

    int listen_fd_ = -1, stop_read_ = -1, stop_write_ = -1;
    uint16_t port_ = 0;
    std::string dir_;
    mutable std::mutex mutex_;
    std::map<std::string, Route> routes_;
    std::map<std::string, std::vector<std::string>> seen_; // path -> Range headers
    std::thread acceptor_;
    std::vector<std::thread> workers_;
};

} // namespace testsupport
