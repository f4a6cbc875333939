// test-httpd DIR: serves DIR's files over HTTP/1.1 on 127.0.0.1 (Range answered),
// on a port the kernel picks, printed as the first line of stdout. Runs until killed.
#include "http_server.hpp"

#include <unistd.h>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: test-httpd DIR\n");
        return 2;
    }
    try {
        testsupport::HttpServer server;
        server.serve_dir(argv[1]);
        std::printf("%u\n", unsigned(server.port()));
        std::fflush(stdout);
        for (;;) ::pause();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "test-httpd: %s\n", e.what());
        return 1;
    }
}
