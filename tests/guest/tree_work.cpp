// tree-work: the steps of make bench-layers (tests/bench/layers.sh), which measures what
// layered build roots cost a step.
//
//   tree-work fill DIR COUNT       COUNT small files (256 B .. 1.2 KiB, source-file sized),
//                                  100 to a folder: DIR/NNNN/NN, the same bytes every time
//   tree-work touch FILE           appends one line to FILE (a step that changes one file)
//   tree-work walk DIR             lstat()s every entry under DIR: what a step's checkpoint
//                                  cost when it listed the whole root (seedboot before layers)
//   tree-work compile DIR COUNT PASSES OUT
//                                  a stand-in for a compile step (no compiler can be built on
//                                  these machines): for each of COUNT sources of DIR, reads it
//                                  and 16 "headers" (other files of DIR, as #include does:
//                                  a lookup, an open and a read each), makes PASSES passes over
//                                  their text (a compiler's CPU work: 64 is a lookup-bound
//                                  worst case, a few thousand the CPU share of a real compile
//                                  of such a file) and writes one object file into OUT
//
// Each mode prints "tree-work: MODE ...: S s" on the guest's clock and exits non-zero, naming
// the file and the errno, when a file cannot be made, read or written.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

double now() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

int fail(const std::string& what) {
    std::fprintf(stderr, "tree-work: %s: %s\n", what.c_str(), std::strerror(errno));
    return 1;
}

std::string file_of(const char* dir, long i) {
    char rel[32];
    std::snprintf(rel, sizeof rel, "/%04ld/%02ld", i / 100, i % 100);
    return dir + std::string(rel);
}

uint64_t mix(uint64_t x) {
    x ^= x >> 33, x *= 0xff51afd7ed558ccdull, x ^= x >> 33;
    return x;
}

bool write_all(const std::string& path, const std::string& data, int flags) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
    if (fd < 0) return false;
    bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
    return ::close(fd) == 0 && ok;
}

// Source-like text: lines of words from a small vocabulary, made from the file's index.
std::string source_text(long i) {
    static const char* words[] = {"int ", "return ", "if (", ") {\n", "}\n",   "static ", "const ",
                                  "x",    "y",       " = ",  "; ",    "for (", "size_t ", "0"};
    std::string out = "/* file " + std::to_string(i) + " */\n";
    uint64_t x = mix(static_cast<uint64_t>(i) + 1);
    size_t want = 256 + x % 1024;
    while (out.size() < want) {
        x = mix(x);
        out += words[x % (sizeof words / sizeof words[0])];
    }
    return out;
}

int fill(const char* dir, long count) {
    double t0 = now();
    if (::mkdir(dir, 0755) != 0 && errno != EEXIST) return fail("mkdir " + std::string(dir));
    for (long i = 0; i < count; ++i) {
        std::string path = file_of(dir, i);
        if (i % 100 == 0 && ::mkdir(path.substr(0, path.rfind('/')).c_str(), 0755) != 0)
            return fail("mkdir " + path.substr(0, path.rfind('/')));
        if (!write_all(path, source_text(i), O_TRUNC)) return fail("write " + path);
    }
    std::printf("tree-work: fill %s %ld files: %.2f s\n", dir, count, now() - t0);
    return 0;
}

int touch(const char* file) {
    double t0 = now();
    if (!write_all(file, "touched\n", O_APPEND)) return fail("append to " + std::string(file));
    std::printf("tree-work: touch %s: %.3f s\n", file, now() - t0);
    return 0;
}

// Reads `path` whole into `into`; false with errno set when it cannot.
bool read_all(const std::string& path, std::string& into) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) into.append(buf, static_cast<size_t>(n));
    int saved = errno;
    ::close(fd);
    errno = saved;
    return n == 0;
}

// One translation unit: the source, its headers, a front end's worth of work, an object.
int compile_one(const char* dir, long count, long passes, long i, const char* out) {
    std::string text, path = file_of(dir, i);
    if (!read_all(path, text)) return fail("read " + path);
    for (long h = 0; h < 16; ++h) {
        std::string header = file_of(dir, static_cast<long>(mix(i * 16 + h) % count));
        struct stat st {};
        if (::stat(header.c_str(), &st) != 0 || !read_all(header, text))
            return fail("read " + header);
    }
    uint64_t sum = 1469598103934665603ull;
    for (long pass = 0; pass < passes; ++pass)
        for (unsigned char c : text)
            sum = (sum ^ c ^ static_cast<unsigned>(pass)) * 1099511628211ull;
    std::string object(2048, '\0');
    for (size_t k = 0; k < object.size(); k += 8) {
        sum = mix(sum);
        std::memcpy(&object[k], &sum, 8);
    }
    std::string target = std::string(out) + "/" + std::to_string(i) + ".o";
    return write_all(target, object, O_TRUNC) ? 0 : fail("write " + target);
}

int compile(const char* dir, long count, long passes, const char* out) {
    double t0 = now();
    if (::mkdir(out, 0755) != 0 && errno != EEXIST) return fail("mkdir " + std::string(out));
    for (long i = 0; i < count; ++i)
        if (compile_one(dir, count, passes, i, out) != 0) return 1;
    std::printf("tree-work: compile %ld sources of %s, %ld passes: %.2f s\n", count, dir, passes,
                now() - t0);
    return 0;
}

// Counts the entries under `dir` (itself included), lstat()ing each; -1 (said why) when one
// cannot be read.
long walk_tree(const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        fail("open folder " + dir);
        return -1;
    }
    long n = 1;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name, path = dir + "/" + name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        long sub = ::lstat(path.c_str(), &st) != 0 ? (fail("lstat " + path), -1)
                   : S_ISDIR(st.st_mode)           ? walk_tree(path)
                                                   : 1;
        if (sub < 0) {
            n = -1;
            break;
        }
        n += sub;
    }
    ::closedir(d);
    return n;
}

int walk(const char* dir) {
    double t0 = now();
    long n = walk_tree(dir);
    if (n < 0) return 1;
    std::printf("tree-work: walk %s %ld entries: %.3f s\n", dir, n, now() - t0);
    return 0;
}

long count_of(const char* text) {
    char* end = nullptr;
    long n = std::strtol(text, &end, 10);
    return end != text && *end == '\0' && n > 0 ? n : -1;
}

int usage() {
    std::fprintf(stderr, "usage: tree-work fill DIR COUNT | touch FILE | walk DIR |"
                         " compile DIR COUNT PASSES OUT\n"
                         "(COUNT and PASSES whole numbers, 1 or more)\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "fill" && argc == 4 && count_of(argv[3]) > 0)
        return fill(argv[2], count_of(argv[3]));
    if (mode == "touch" && argc == 3) return touch(argv[2]);
    if (mode == "walk" && argc == 3) return walk(argv[2]);
    if (mode == "compile" && argc == 6 && count_of(argv[3]) > 0 && count_of(argv[4]) > 0)
        return compile(argv[2], count_of(argv[3]), count_of(argv[4]), argv[5]);
    return usage();
}
