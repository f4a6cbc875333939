#include "http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace testsupport {

namespace {

void send_all(int fd, const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return; // the client hung up: nothing more to tell it
        done += size_t(n);
    }
}

std::string head(const std::string& status, const std::string& extra, size_t length) {
    return "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(length) +
           "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n" + extra + "\r\n";
}

// The request's target and its Range header ("" when none), or false.
bool parse_request(const std::string& req, std::string& target, std::string& range) {
    std::istringstream in(req);
    std::string method, version, line;
    if (!(in >> method >> target >> version) || method != "GET") return false;
    std::getline(in, line);
    while (std::getline(in, line) && line != "\r") {
        std::string lower = line;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        if (lower.rfind("range:", 0) == 0) {
            range = line.substr(line.find(':') + 1);
            range.erase(0, range.find_first_not_of(' '));
            if (!range.empty() && range.back() == '\r') range.pop_back();
        }
    }
    return true;
}

// "bytes=N-" or "bytes=N-M" -> first, last (inclusive, clamped to the body).
bool parse_range(const std::string& range, size_t size, size_t& first, size_t& last) {
    if (range.rfind("bytes=", 0) != 0) return false;
    std::string spec = range.substr(6);
    size_t dash = spec.find('-');
    if (dash == std::string::npos || dash == 0) return false;
    char* end = nullptr;
    first = std::strtoull(spec.c_str(), &end, 10);
    if (end != spec.c_str() + dash) return false;
    last = size - 1;
    if (dash + 1 < spec.size()) {
        last = std::strtoull(spec.c_str() + dash + 1, &end, 10);
        if (*end || last < first) return false;
    }
    last = std::min(last, size - 1);
    return true;
}

std::string read_file(const std::string& path, bool& found) {
    std::ifstream f(path, std::ios::binary);
    found = bool(f) && path.find("/../") == std::string::npos;
    std::ostringstream s;
    if (found) s << f.rdbuf();
    return s.str();
}

} // namespace

HttpServer::HttpServer() {
    int p[2];
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_, 64) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0 ||
        ::pipe2(p, O_CLOEXEC) != 0) {
        if (listen_fd_ >= 0) ::close(listen_fd_);
        throw std::runtime_error("test HTTP server: cannot listen on 127.0.0.1");
    }
    stop_read_ = p[0];
    stop_write_ = p[1];
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

HttpServer::~HttpServer() {
    (void)!::write(stop_write_, "x", 1); // every poll below wakes on it
    acceptor_.join();
    for (auto& w : workers_) w.join();
    ::close(listen_fd_);
    ::close(stop_read_);
    ::close(stop_write_);
}

std::string HttpServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpServer::route(const std::string& path, std::string body, Behaviour b, size_t cut_at) {
    std::lock_guard<std::mutex> lock(mutex_);
    routes_[path] = Route{std::move(body), b, cut_at};
}

void HttpServer::serve_dir(const std::string& dir) {
    std::lock_guard<std::mutex> lock(mutex_);
    dir_ = dir;
}

unsigned HttpServer::requests(const std::string& path) const {
    return unsigned(ranges(path).size());
}

std::vector<std::string> HttpServer::ranges(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = seen_.find(path);
    return it == seen_.end() ? std::vector<std::string>{} : it->second;
}

void HttpServer::accept_loop() {
    for (;;) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_read_, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 || fds[1].revents) return;
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        std::lock_guard<std::mutex> lock(mutex_);
        workers_.emplace_back([this, fd] {
            answer(fd);
            ::close(fd);
        });
    }
}

// Waits until the client closes its end (or the server stops): a stalled answer.
void HttpServer::wait_for_hangup(int fd) const {
    char buf[256];
    for (;;) {
        pollfd fds[2] = {{fd, POLLIN, 0}, {stop_read_, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 || fds[1].revents) return;
        if (::recv(fd, buf, sizeof buf, 0) <= 0) return;
    }
}

// Sends `body` slowly, until it is sent, the client hangs up or the server stops.
void HttpServer::trickle(int fd, const std::string& body, size_t piece) const {
    send_all(fd, head("200 OK", "", body.size()));
    for (size_t at = 0; at < body.size(); at += piece) {
        pollfd stop = {stop_read_, POLLIN, 0};
        if (::poll(&stop, 1, 100) != 0) return;
        std::string part = body.substr(at, piece);
        if (::send(fd, part.data(), part.size(), MSG_NOSIGNAL) != ssize_t(part.size())) return;
    }
}

// The route for `path` (counting the request), or a file of the served folder.
bool HttpServer::find(const std::string& path, Route& out) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = routes_.find(path);
    if (it != routes_.end()) {
        out = it->second;
        ++it->second.served;
        return true;
    }
    bool found = false;
    if (!dir_.empty()) out = Route{read_file(dir_ + path, found), Behaviour::serve, 0};
    return found;
}

void HttpServer::answer(int fd) {
    std::string req, target, range;
    char buf[4096];
    while (req.find("\r\n\r\n") == std::string::npos && req.size() < 65536) {
        pollfd fds[2] = {{fd, POLLIN, 0}, {stop_read_, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 || fds[1].revents) return;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        req.append(buf, size_t(n));
    }
    if (!parse_request(req, target, range)) return send_all(fd, head("400 Bad Request", "", 0));
    {
        std::lock_guard<std::mutex> lock(mutex_);
        seen_[target].push_back(range);
    }
    Route r;
    if (!find(target, r)) return send_all(fd, head("404 Not Found", "", 9) + "not found");
    const std::string& body = r.body;
    if (r.behaviour == Behaviour::stall) {
        send_all(fd, head("200 OK", "", body.size()) + body.substr(0, r.cut_at));
        return wait_for_hangup(fd);
    }
    if (r.behaviour == Behaviour::trickle) return trickle(fd, body, std::max<size_t>(1, r.cut_at));
    if (r.behaviour == Behaviour::cut_once && r.served == 0)
        return send_all(fd, head("200 OK", "", body.size()) + body.substr(0, r.cut_at));
    size_t first = 0, last = 0;
    if (range.empty() || r.behaviour == Behaviour::ignore_range || body.empty() ||
        !parse_range(range, body.size(), first, last))
        return send_all(fd, head("200 OK", "", body.size()) + body);
    std::string total = "/" + std::to_string(body.size());
    if (first >= body.size())
        return send_all(
            fd, head("416 Range Not Satisfiable", "Content-Range: bytes *" + total + "\r\n", 0));
    send_all(fd, head("206 Partial Content",
                      "Content-Range: bytes " + std::to_string(first) + "-" + std::to_string(last) +
                          total + "\r\n",
                      last - first + 1) +
                     body.substr(first, last - first + 1));
}

} // namespace testsupport
