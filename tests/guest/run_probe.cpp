// run-probe CPUS TOUCH_MIB TMP_MIB: what a build step finds around it, checked against
// what a Docker/BuildKit RUN gives (issue 26; tests/images/run-env.toml, run_env.sh).
// The expected values are written out here from Docker's and StageX's behaviour, not
// read from the PID 1's code. Each check prints "ok NAME: detail" or "FAIL NAME:
// detail", then "run-probe: N checks, P passed, F failed"; exit 1 if any failed.
//   CPUS      the CPUs the guest was given: nproc, sysconf and /sys/bus/cpu/devices
//   TOUCH_MIB memory one process must touch (in 64 MiB pieces, every page written)
//   TMP_MIB   bytes written to a file in the tree's /tmp, synced, then removed
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <set>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <vector>

namespace {

int passed = 0, failed = 0;

void check(const std::string& name, bool ok, const std::string& detail) {
    (ok ? passed : failed)++;
    std::printf("%s %s: %s\n", ok ? "ok" : "FAIL", name.c_str(), detail.c_str());
    std::fflush(stdout);
}

std::string err() {
    return std::strerror(errno);
}

std::string read_text(const char* path, size_t limit = 1 << 20) {
    std::string t;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return t;
    char buf[4096];
    for (ssize_t n; t.size() < limit && (n = read(fd, buf, sizeof buf)) > 0;)
        t.append(buf, static_cast<size_t>(n));
    close(fd);
    return t;
}

std::set<std::string> listing(const char* dir) {
    std::set<std::string> names;
    if (DIR* d = opendir(dir)) {
        while (dirent* e = readdir(d))
            if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
                names.insert(e->d_name);
        closedir(d);
    }
    return names;
}

std::string link_of(const char* path) {
    char buf[256];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    return n < 0 ? "(" + err() + ")" : std::string(buf, static_cast<size_t>(n));
}

// A character device with these numbers and mode 0666.
void device(const char* path, unsigned major_no, unsigned minor_no) {
    struct stat st {};
    bool ok = lstat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == major_no &&
              minor(st.st_rdev) == minor_no && (st.st_mode & 07777) == 0666;
    char d[96];
    std::snprintf(d, sizeof d, "char %u:%u mode %o (expected char %u:%u mode 666)",
                  major(st.st_rdev), minor(st.st_rdev), st.st_mode & 07777, major_no, minor_no);
    check(std::string(path) + " node", ok, d);
}

void dev_nodes() {
    std::set<std::string> want = {"null",  "zero",   "full",   "random", "urandom", "tty", "fd",
                                  "stdin", "stdout", "stderr", "ptmx",   "pts",     "shm"};
    std::set<std::string> got = listing("/dev");
    std::string names;
    for (const auto& n : got) names += n + " ";
    check("/dev holds exactly Docker's entries", got == want, names);
    device("/dev/null", 1, 3);
    device("/dev/zero", 1, 5);
    device("/dev/full", 1, 7);
    device("/dev/random", 1, 8);
    device("/dev/urandom", 1, 9);
    device("/dev/tty", 5, 0);
}

void dev_behaviour() {
    char buf[64];
    int fd = open("/dev/null", O_RDWR);
    bool ok = fd >= 0 && write(fd, "x", 1) == 1 && read(fd, buf, sizeof buf) == 0;
    check("/dev/null takes writes and reads empty", ok, fd < 0 ? err() : "yes");
    if (fd >= 0) close(fd);
    fd = open("/dev/zero", O_RDONLY);
    std::memset(buf, 1, sizeof buf);
    ok = fd >= 0 && read(fd, buf, sizeof buf) == sizeof buf &&
         std::count(buf, buf + sizeof buf, 0) == sizeof buf;
    check("/dev/zero reads zeros", ok, fd < 0 ? err() : "64 bytes");
    if (fd >= 0) close(fd);
    fd = open("/dev/full", O_WRONLY);
    errno = 0;
    ok = fd >= 0 && write(fd, "x", 1) == -1 && errno == ENOSPC;
    check("/dev/full refuses writes with ENOSPC", ok, err());
    if (fd >= 0) close(fd);
    for (const char* r : {"/dev/random", "/dev/urandom"}) {
        fd = open(r, O_RDONLY);
        std::memset(buf, 0, sizeof buf);
        ok = fd >= 0 && read(fd, buf, 32) == 32 && std::count(buf, buf + 32, 0) < 32;
        check(std::string(r) + " gives random bytes", ok, fd < 0 ? err() : "32 bytes");
        if (fd >= 0) close(fd);
    }
    // No controlling terminal in a build: /dev/tty opens with ENXIO, as in Docker.
    fd = open("/dev/tty", O_RDWR);
    check("/dev/tty has no terminal behind it", fd < 0 && errno == ENXIO,
          fd < 0 ? err() : "opened");
    if (fd >= 0) close(fd);
}

void pty() {
    check("/dev/ptmx -> pts/ptmx", link_of("/dev/ptmx") == "pts/ptmx", link_of("/dev/ptmx"));
    struct statfs fs {};
    check("/dev/pts is devpts", statfs("/dev/pts", &fs) == 0 && fs.f_type == 0x1cd1,
          "f_type " + std::to_string(fs.f_type));
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        check("a pty through /dev/ptmx", false, "posix_openpt/grantpt/unlockpt: " + err());
        return;
    }
    const char* name = ptsname(master);
    int slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
    char buf[16] = {};
    bool ok = slave >= 0 && write(master, "ping\n", 5) == 5 && read(slave, buf, sizeof buf) > 0 &&
              std::strncmp(buf, "ping", 4) == 0;
    check("a pty through /dev/ptmx", ok,
          std::string(name ? name : "(no name)") +
              (slave < 0 ? ": " + err() : ": ping came through"));
    if (slave >= 0) close(slave);
    close(master);
}

void shm_and_links() {
    struct stat st {};
    struct statvfs vfs {};
    struct statfs fs {};
    bool ok = stat("/dev/shm", &st) == 0 && (st.st_mode & 07777) == 01777 &&
              statfs("/dev/shm", &fs) == 0 && fs.f_type == 0x01021994 &&
              statvfs("/dev/shm", &vfs) == 0 && vfs.f_blocks * vfs.f_frsize == 64u << 20;
    check("/dev/shm is a 64 MiB tmpfs, mode 1777", ok,
          "mode " + std::to_string(st.st_mode & 07777) + ", " +
              std::to_string(vfs.f_blocks * vfs.f_frsize >> 20) + " MiB");
    int fd = open("/dev/shm/probe", O_RDWR | O_CREAT | O_EXCL, 0600);
    check("/dev/shm takes a file", fd >= 0 && write(fd, "x", 1) == 1, fd < 0 ? err() : "yes");
    if (fd >= 0) close(fd);
    unlink("/dev/shm/probe");
    check("/dev/fd -> /proc/self/fd", link_of("/dev/fd") == "/proc/self/fd", link_of("/dev/fd"));
    const char* std_links[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
    for (int i = 0; i < 3; ++i) {
        std::string want = "/proc/self/fd/" + std::to_string(i);
        check(std::string(std_links[i]) + " -> " + want, link_of(std_links[i]) == want,
              link_of(std_links[i]));
    }
    struct stat a {
    }, b{};
    ok = stat("/dev/stdout", &a) == 0 && fstat(1, &b) == 0 && a.st_ino == b.st_ino;
    check("/dev/stdout is the step's stdout", ok, ok ? "same inode" : err());
}

void proc() {
    std::string self = link_of("/proc/self");
    check("/proc/self names this process", self == std::to_string(getpid()), self);
    check("/proc/self/exe", link_of("/proc/self/exe").find("run-probe") != std::string::npos,
          link_of("/proc/self/exe"));
    check("/proc/cpuinfo", !read_text("/proc/cpuinfo").empty(), "readable");
    check("/proc/meminfo", read_text("/proc/meminfo").rfind("MemTotal:", 0) == 0, "MemTotal first");
    // A PID namespace of the step's own: only its reaper (1) and this process.
    std::string pids;
    bool ok = true;
    for (const auto& n : listing("/proc"))
        if (n.find_first_not_of("0123456789") == std::string::npos) {
            pids += n + " ";
            ok = ok && (n == "1" || n == std::to_string(getpid()));
        }
    check("/proc shows only the step's own processes", ok, pids);
    int fd = open("/proc/sys/kernel/hostname", O_WRONLY);
    check("/proc/sys is read-only", fd < 0 && errno == EROFS,
          fd < 0 ? err() : "opened for writing");
    if (fd >= 0) close(fd);
}

void sys_and_cpus(long cpus) {
    struct statvfs vfs {};
    check("/sys is mounted read-only", statvfs("/sys", &vfs) == 0 && (vfs.f_flag & ST_RDONLY),
          "f_flag " + std::to_string(vfs.f_flag));
    // StageX's stage 1 /shell.sh sets JOBS from this count (8 when the folder is absent).
    size_t sys_cpus = listing("/sys/bus/cpu/devices").size();
    cpu_set_t set;
    CPU_ZERO(&set);
    long affinity = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    check("CPUs: /sys/bus/cpu/devices, nproc and sysconf",
          static_cast<long>(sys_cpus) == cpus && affinity == cpus && online == cpus,
          std::to_string(sys_cpus) + ", " + std::to_string(affinity) + ", " +
              std::to_string(online) + " (expected " + std::to_string(cpus) + ")");
}

void identity_and_limits() {
    utsname u{};
    check("hostname buildkitsandbox",
          uname(&u) == 0 && std::strcmp(u.nodename, "buildkitsandbox") == 0, u.nodename);
    rlimit r{};
    bool ok = getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur == 2048 && r.rlim_max == 16384;
    check("RLIMIT_NOFILE 2048:16384 (StageX's --ulimit)", ok,
          std::to_string(r.rlim_cur) + ":" + std::to_string(r.rlim_max));
    char c;
    struct stat st {};
    ok = read(0, &c, 1) == 0 && fstat(0, &st) == 0 && S_ISCHR(st.st_mode) &&
         major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
    check("stdin is /dev/null", ok, "read gives end of file");
    std::string hosts = read_text("/etc/hosts");
    check("/etc/hosts names localhost and buildkitsandbox",
          hosts.find("127.0.0.1\tlocalhost buildkitsandbox\n") != std::string::npos,
          hosts.substr(0, 40));
    check("/etc/resolv.conf is there", access("/etc/resolv.conf", R_OK) == 0, err());
    int fd = open("/etc/hosts", O_WRONLY);
    check("/etc/hosts is read-only", fd < 0 && errno == EROFS, fd < 0 ? err() : "opened");
    if (fd >= 0) close(fd);
    check("/etc/hosts cannot be removed", unlink("/etc/hosts") != 0 && errno == EBUSY, err());
    std::string set_vars;
    for (const char* v : {"HOSTNAME", "TERM", "USER", "SHELL"})
        if (std::getenv(v)) set_vars += std::string(v) + " ";
    check("no HOSTNAME, TERM, USER or SHELL", set_vars.empty(),
          set_vars.empty() ? "none" : set_vars);
    mode_t m = umask(022);
    check("umask 022", m == 022, std::to_string(m));
}

void touch_memory(long mib) {
    const size_t piece = 64u << 20;
    std::vector<char*> pieces;
    size_t touched = 0;
    while (touched < static_cast<size_t>(mib) << 20) {
        void* p = mmap(nullptr, piece, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) break;
        char* c = static_cast<char*>(p);
        for (size_t i = 0; i < piece; i += 4096) c[i] = static_cast<char>(i >> 12);
        pieces.push_back(c);
        touched += piece;
    }
    bool ok = touched >= static_cast<size_t>(mib) << 20;
    for (char* c : pieces) ok = ok && c[piece - 4096] == static_cast<char>((piece - 4096) >> 12);
    check("one process touches " + std::to_string(mib) + " MiB", ok,
          std::to_string(touched >> 20) + " MiB touched" + (ok ? "" : ": " + err()));
    for (char* c : pieces) munmap(c, piece);
}

void write_tmp(long mib) {
    const char* path = "/tmp/run-probe.fill";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char> block(1 << 20, 'x');
    long written = 0;
    while (fd >= 0 && written < mib &&
           write(fd, block.data(), block.size()) == (ssize_t)block.size())
        ++written;
    bool ok = fd >= 0 && written == mib && fsync(fd) == 0;
    struct stat st {};
    ok = ok && stat(path, &st) == 0 && st.st_size == static_cast<off_t>(mib) << 20;
    check("/tmp takes " + std::to_string(mib) + " MiB", ok,
          std::to_string(written) + " MiB written" + (ok ? ", synced" : ": " + err()));
    if (fd >= 0) close(fd);
    unlink(path);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: run-probe CPUS TOUCH_MIB TMP_MIB\n");
        return 2;
    }
    long cpus = std::atol(argv[1]), touch = std::atol(argv[2]), tmp = std::atol(argv[3]);
    dev_nodes();
    dev_behaviour();
    pty();
    shm_and_links();
    proc();
    sys_and_cpus(cpus);
    identity_and_limits();
    touch_memory(touch);
    write_tmp(tmp);
    std::printf("run-probe: %d checks, %d passed, %d failed\n", passed + failed, passed, failed);
    return failed ? 1 : 0;
}
