// inplace-step seed|change|again DIR: build steps that change the tree in place, as
// live-bootstrap's passes do (tests/images/inplace.toml, tests/integration/torture.py).
//   seed    makes DIR: a log, files to rename, delete and chmod, a folder, a symlink.
//   change  changes DIR in place: appends, renames, deletes, chmods, replaces the folder by a
//           file and a file by a folder, adds a hard link, re-points the symlink, rewrites a
//           file through a rename. Then writes DIR.summary (below).
//   again   changes what `change` made once more (whiteouts over copies, a deleted name made
//           again as a folder), then writes DIR.summary2.
// Every change assumes the tree it started on: run again on a half-changed tree (a cut-off
// attempt not undone), it fails, naming the change. Each change is followed by a line
// "inplace NAME: change I of N" and a pause, so power cuts land between and inside them.
// The summary lists every entry under DIR (sorted): type, mode, link count, size, symlink
// target and content, so a tree that differs in any of them gives another summary.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "inplace-step: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

void check(bool ok, const std::string& what) {
    if (!ok) die(what);
}

std::string read_all(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    check(fd >= 0, "open " + path);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
    check(n == 0, "read " + path);
    ::close(fd);
    return out;
}

// flags: O_EXCL for a file that must be new, O_APPEND to append to one that must exist.
void write_file(const std::string& path, const std::string& data, int flags, mode_t mode = 0644) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | flags, mode);
    check(fd >= 0, "open " + path);
    for (size_t at = 0; at < data.size();) {
        ssize_t n = ::write(fd, data.data() + at, data.size() - at);
        check(n > 0, "write " + path);
        at += size_t(n);
    }
    check(::close(fd) == 0, "close " + path);
}

void make_new(const std::string& path, const std::string& data) {
    write_file(path, data, O_CREAT | O_EXCL);
}

std::string entry_line(const std::string& dir, const std::string& name) {
    std::string path = dir + "/" + name;
    struct stat st {};
    check(::lstat(path.c_str(), &st) == 0, "stat " + path);
    // A folder's size depends on the file system's history of it, so it is left out.
    char head[160];
    std::snprintf(head, sizeof head, "%s %04o %lu %lld", name.c_str(), unsigned(st.st_mode & 07777),
                  (unsigned long)st.st_nlink, S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size);
    std::string line = head;
    if (S_ISLNK(st.st_mode)) {
        char target[256] = {};
        check(::readlink(path.c_str(), target, sizeof target - 1) >= 0, "readlink " + path);
        line += " link -> " + std::string(target);
    } else if (S_ISDIR(st.st_mode)) {
        line += " dir";
    } else {
        line += " file: " + read_all(path);
    }
    return line;
}

void list_tree(const std::string& dir, const std::string& prefix, std::vector<std::string>& out) {
    DIR* d = ::opendir(dir.c_str());
    check(d != nullptr, "open folder " + dir);
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
            names.push_back(e->d_name);
    ::closedir(d);
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) {
        out.push_back(prefix + entry_line(dir, n));
        struct stat st {};
        if (::lstat((dir + "/" + n).c_str(), &st) == 0 && S_ISDIR(st.st_mode))
            list_tree(dir + "/" + n, prefix + n + "/", out);
    }
}

void write_summary(const std::string& dir, const std::string& path) {
    std::vector<std::string> lines;
    list_tree(dir, "", lines);
    std::string text;
    for (const std::string& l : lines) text += l + "\n";
    make_new(path, text);
}

using Change = std::function<void(const std::string&)>;

void seed(const std::string& d) {
    check(::mkdir(d.c_str(), 0755) == 0, "mkdir " + d);
    make_new(d + "/log", "seeded\n");
    make_new(d + "/old", "renamed by change\n");
    make_new(d + "/gone", "deleted by change\n");
    make_new(d + "/mode", "chmod by change\n");
    make_new(d + "/was-file", "becomes a folder\n");
    make_new(d + "/conf", "cc=old\n");
    make_new(d + "/target-a", "a\n");
    make_new(d + "/target-b", "b\n");
    check(::mkdir((d + "/sub").c_str(), 0755) == 0, "mkdir sub");
    make_new(d + "/sub/one", "1\n");
    make_new(d + "/sub/two", "2\n");
    check(::symlink("target-a", (d + "/link").c_str()) == 0, "symlink link");
}

const std::vector<Change> kChange = {
    [](const std::string& d) { write_file(d + "/log", "changed\n", O_APPEND); },
    [](const std::string& d) {
        check(::rename((d + "/old").c_str(), (d + "/new").c_str()) == 0, "rename old to new");
    },
    [](const std::string& d) { check(::unlink((d + "/gone").c_str()) == 0, "unlink gone"); },
    [](const std::string& d) { check(::chmod((d + "/mode").c_str(), 0700) == 0, "chmod mode"); },
    [](const std::string& d) {
        for (const char* f : {"/sub/one", "/sub/two"})
            check(::unlink((d + f).c_str()) == 0, std::string("unlink ") + f);
        check(::rmdir((d + "/sub").c_str()) == 0, "rmdir sub");
        make_new(d + "/sub", "a file where a folder was\n");
    },
    [](const std::string& d) {
        check(::unlink((d + "/was-file").c_str()) == 0, "unlink was-file");
        check(::mkdir((d + "/was-file").c_str(), 0750) == 0, "mkdir was-file");
        make_new(d + "/was-file/inside", "a folder where a file was\n");
    },
    [](const std::string& d) {
        check(::link((d + "/new").c_str(), (d + "/hard").c_str()) == 0, "link new to hard");
    },
    [](const std::string& d) {
        check(::symlink("target-b", (d + "/link.tmp").c_str()) == 0, "symlink link.tmp");
        check(::rename((d + "/link.tmp").c_str(), (d + "/link").c_str()) == 0, "re-point link");
    },
    [](const std::string& d) {
        std::string conf = read_all(d + "/conf");
        check(conf == "cc=old\n", "conf is not the seeded one");
        make_new(d + "/conf.tmp", "cc=new\n");
        check(::rename((d + "/conf.tmp").c_str(), (d + "/conf").c_str()) == 0, "rewrite conf");
    },
};

const std::vector<Change> kAgain = {
    [](const std::string& d) { write_file(d + "/log", "again\n", O_APPEND); },
    [](const std::string& d) { check(::unlink((d + "/new").c_str()) == 0, "unlink new"); },
    [](const std::string& d) { check(::unlink((d + "/mode").c_str()) == 0, "unlink mode"); },
    [](const std::string& d) {
        check(::mkdir((d + "/gone").c_str(), 0755) == 0, "mkdir gone");
        make_new(d + "/gone/back", "a deleted name, now a folder\n");
    },
    [](const std::string& d) {
        // A folder of a lower layer cannot be renamed under Docker's overlay2 (no redirect_dir):
        // rename(2) says EXDEV and mv copies instead. The step's root must behave the same.
        bool refused = ::rename((d + "/was-file").c_str(), (d + "/moved").c_str()) != 0;
        check(refused && errno == EXDEV, "rename of a lower layer's folder was-file: expected "
                                         "EXDEV, as under Docker's overlay2");
        check(::mkdir((d + "/moved").c_str(), 0750) == 0, "mkdir moved");
        check(::rename((d + "/was-file/inside").c_str(), (d + "/moved/inside").c_str()) == 0,
              "move was-file/inside");
        check(::rmdir((d + "/was-file").c_str()) == 0, "rmdir was-file");
    },
};

void run(const std::string& name, const std::vector<Change>& changes, const std::string& d) {
    for (size_t i = 0; i < changes.size(); ++i) {
        changes[i](d);
        std::printf("inplace %s: change %zu of %zu\n", name.c_str(), i + 1, changes.size());
        std::fflush(stdout);
        ::usleep(150 * 1000);
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: inplace-step seed|change|again DIR\n");
        return 2;
    }
    std::string what = argv[1], dir = argv[2];
    if (what == "seed") {
        seed(dir);
    } else if (what == "change") {
        run(what, kChange, dir);
        write_summary(dir, dir + ".summary");
    } else if (what == "again") {
        run(what, kAgain, dir);
        write_summary(dir, dir + ".summary2");
    } else {
        std::fprintf(stderr, "inplace-step: unknown action '%s' (seed, change or again)\n",
                     what.c_str());
        return 2;
    }
    std::printf("inplace %s: done\n", what.c_str());
    return 0;
}
