// parallel-work: a stand-in for a `make -jN` step, for make bench-cpus (tests/bench/cpus.sh).
// No stage with make can be built on these machines (its sources cannot be fetched), so
// this does what make -j does to a machine: it keeps N jobs running, each a new process
// (fork + exec, as make starts a compiler) that works on its own memory for a while and
// writes one output file. What it shows is whether the guest's extra CPUs finish such a
// step sooner under QEMU, and by how much.
//
//   parallel-work JOBS PARALLEL OUTDIR   runs JOBS jobs, at most PARALLEL at once
//   parallel-work --job I OUTDIR         one job (what the scheduler execs)
//
// Prints "parallel-work: JOBS jobs, PARALLEL at once: S s" on the guest's clock; exits
// non-zero if a job failed (each says why: it could not be started or write its output).
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

// One job: 8 MiB of pseudo-random words, mixed in 32 passes (a compiler's working set
// is a few MB), then its checksum written to OUTDIR/job-I.
int job(long index, const char* outdir) {
    std::vector<uint64_t> words(1u << 20);
    uint64_t x = 0x9e3779b97f4a7c15ull ^ static_cast<uint64_t>(index);
    for (uint64_t& w : words) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        w = x;
    }
    uint64_t sum = 1469598103934665603ull;
    for (int pass = 0; pass < 32; ++pass)
        for (size_t i = 0; i < words.size(); ++i) {
            words[i] ^= words[(i * 7919 + pass) & (words.size() - 1)];
            sum = (sum ^ words[i]) * 1099511628211ull;
        }
    char path[512];
    std::snprintf(path, sizeof path, "%s/job-%ld", outdir, index);
    FILE* f = std::fopen(path, "w");
    if (!f || std::fprintf(f, "%016llx\n", static_cast<unsigned long long>(sum)) < 0 ||
        std::fclose(f) != 0) {
        std::fprintf(stderr, "parallel-work: job %ld: cannot write %s: %s\n", index, path,
                     std::strerror(errno));
        return 1;
    }
    return 0;
}

// `self` is argv[0], a path: a step's build root has no /proc to find the program by.
pid_t start_job(const char* self, long index, const char* outdir) {
    std::fflush(stdout); // a child must not repeat what the parent has not yet written
    pid_t pid = fork();
    if (pid != 0) return pid;
    char number[32];
    std::snprintf(number, sizeof number, "%ld", index);
    execl(self, self, "--job", number, outdir, static_cast<char*>(nullptr));
    std::fprintf(stderr, "parallel-work: exec %s: %s\n", self, std::strerror(errno));
    _exit(127);
}

double now() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int schedule(const char* self, long jobs, long parallel, const char* outdir) {
    if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
        std::printf("parallel-work: mkdir %s: %s\n", outdir, std::strerror(errno));
        return 1;
    }
    double t0 = now();
    long started = 0, running = 0, failed = 0;
    while (started < jobs || running > 0) {
        while (running < parallel && started < jobs) {
            if (start_job(self, started, outdir) < 0) {
                std::printf("parallel-work: fork: %s\n", std::strerror(errno));
                return 1;
            }
            ++started, ++running;
        }
        int status = 0;
        if (wait(&status) < 0) {
            std::printf("parallel-work: wait: %s\n", std::strerror(errno));
            return 1;
        }
        --running;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    }
    std::printf("parallel-work: %ld jobs, %ld at once: %.2f s\n", jobs, parallel, now() - t0);
    if (failed) std::printf("parallel-work: %ld job(s) failed (each says why above)\n", failed);
    return failed ? 1 : 0;
}

// A decimal count in min..4096, nothing else.
bool number(const char* text, long min, long& out) {
    char* end = nullptr;
    errno = 0;
    out = std::strtol(text, &end, 10);
    return *text && !*end && errno == 0 && out >= min && out <= 4096;
}

} // namespace

int main(int argc, char** argv) {
    long a = 0, b = 0;
    if (argc == 4 && std::strcmp(argv[1], "--job") == 0 && number(argv[2], 0, a))
        return job(a, argv[3]);
    if (argc == 4 && number(argv[1], 1, a) && number(argv[2], 1, b))
        return schedule(argv[0], a, b, argv[3]);
    std::fprintf(stderr, "usage: parallel-work JOBS PARALLEL OUTDIR (counts 1..4096)\n");
    return 2;
}
