// churn-step NAME DIR FILES KIB [INPUT]: a build step for the power-cut torture
// (tests/images/torture.toml, tests/integration/torture.py). It makes DIR and writes
// FILES files of KIB KiB each into it, each one new (O_EXCL: a leftover of a cut-off
// attempt that was not set aside makes it fail), fsync'd, then DIR.sum, one line per
// file with its FNV-1a hash. The bytes follow from NAME and from INPUT's content (the
// previous step's DIR.sum), so a step that ran on the wrong tree gives other hashes.
// Prints "churn NAME: I of FILES files" every 8 files, for cuts at known points.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

uint64_t fnv(const std::string& s, uint64_t h = 1469598103934665603ull) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "churn-step: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

std::string read_all(const char* path) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die(std::string("open ") + path);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
    if (n < 0) die(std::string("read ") + path);
    ::close(fd);
    return out;
}

void write_new(const std::string& path, const std::string& data) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) die("create " + path);
    for (size_t at = 0; at < data.size();) {
        ssize_t n = ::write(fd, data.data() + at, data.size() - at);
        if (n <= 0) die("write " + path);
        at += size_t(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) die("fsync " + path);
}

std::string noise(uint64_t seed, size_t bytes) {
    std::string s(bytes, '\0');
    uint64_t x = seed | 1;
    for (size_t i = 0; i < bytes; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        s[i] = char(x >> 56);
    }
    return s;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 5 && argc != 6) {
        std::fprintf(stderr, "usage: churn-step NAME DIR FILES KIB [INPUT]\n");
        return 2;
    }
    std::string name = argv[1], dir = argv[2];
    long files = std::atol(argv[3]), kib = std::atol(argv[4]);
    if (files <= 0 || kib <= 0) {
        std::fprintf(stderr, "churn-step: FILES and KIB must be positive numbers\n");
        return 2;
    }
    uint64_t seed = fnv(name);
    if (argc == 6) seed = fnv(read_all(argv[5]), seed);
    if (::mkdir(dir.c_str(), 0755) != 0) die("mkdir " + dir);
    std::string sum;
    for (long i = 0; i < files; ++i) {
        char file[32];
        std::snprintf(file, sizeof file, "/f%04ld", i);
        std::string data = noise(seed + uint64_t(i), size_t(kib) * 1024);
        write_new(dir + file, data);
        char line[64];
        std::snprintf(line, sizeof line, "%016llx %s\n", (unsigned long long)fnv(data), file + 1);
        sum += line;
        if ((i + 1) % 8 == 0 || i + 1 == files)
            std::printf("churn %s: %ld of %ld files\n", name.c_str(), i + 1, files),
                std::fflush(stdout);
    }
    write_new(dir + ".sum", sum);
    return 0;
}
