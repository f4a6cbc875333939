/* The baseline for `make bench`'s chain-overhead figure: a PID 1 that runs the
 * same five commands as images/default.toml's steps, from the same kind of root
 * squashfs on the same kernel and QEMU machine, but with none of seedboot's
 * work: no manifest check, no seed audit, no journal, no logs, no answers, no
 * sandbox beyond chroot, no output hashes, no libblkid lookup.
 *
 * Root image (packed with `seedboot pack-dir` by tests/bench/bench.sh):
 *   /init (this), /dev, /work, /seed/hex0-seed, /seed/hex0-seed.hex0,
 *   /sources/chain/{catm.hex0,hello-1.hex0,hello-2.hex0,...}
 * Work disk: `seedboot disk --work-size 32M` (ext4 on /dev/vdb1), as in a
 * seedboot boot. The steps run chrooted in /work/build with /seed and /sources
 * bound in, exactly the paths the spec uses.
 *
 * x86_64 only; built with `gcc -static -O2`. Prints the guest-clock times, the
 * steps' own output (hello's line) and SEEDBOOT-RESULT, then powers off. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double since_boot(void) {
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say(const char *fmt, ...) {
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
    line[n++] = '\n';
    ssize_t unused = write(1, line, (size_t)n);
    (void)unused;
}

static void power_off(const char *result) {
    umount2("/work/build/sources", MNT_DETACH);
    umount2("/work/build/seed", MNT_DETACH);
    sync();
    umount2("/work", 0);
    say("minimal: done at %.6f s since boot", since_boot());
    say("SEEDBOOT-RESULT: %s", result);
    reboot(RB_POWER_OFF);
    for (;;) pause(); /* PID 1 must not exit */
}

static void must(int ok, const char *what) {
    if (ok) return;
    say("minimal: %s: %s", what, strerror(errno));
    power_off("fail stage=minimal status=1");
}

static const char *const steps[][5] = {
    {"/seed/hex0-seed", "/seed/hex0-seed.hex0", "/bin/hex0", NULL},
    {"/bin/hex0", "/sources/chain/catm.hex0", "/bin/catm", NULL},
    {"/bin/catm", "/tmp/hello.hex0", "/sources/chain/hello-1.hex0", "/sources/chain/hello-2.hex0",
     NULL},
    {"/bin/hex0", "/tmp/hello.hex0", "/bin/hello", NULL},
    {"/bin/hello", NULL},
};

int main(void) {
    say("minimal: PID 1 up at %.6f s since boot", since_boot());
    /* virtio disks are probed before init runs; wait a little in case they are not. */
    int tries = 0;
    while (mount("/dev/vdb1", "/work", "ext4", MS_NOSUID | MS_NODEV, NULL) != 0) {
        must(++tries < 100 && (errno == ENOENT || errno == ENXIO), "mount /dev/vdb1 on /work");
        usleep(100000);
    }
    const char *dirs[] = {"/work/build", "/work/build/bin", "/work/build/tmp", "/work/build/seed",
                          "/work/build/sources"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; ++i)
        must(mkdir(dirs[i], 0755) == 0 || errno == EEXIST, dirs[i]);
    must(mount("/seed", "/work/build/seed", NULL, MS_BIND, NULL) == 0, "bind /seed");
    must(mount("/sources", "/work/build/sources", NULL, MS_BIND, NULL) == 0, "bind /sources");
    say("minimal: first step at %.6f s since boot", since_boot());
    char *const env[] = {"PATH=/bin", NULL};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; ++i) {
        pid_t pid = fork();
        must(pid >= 0, "fork");
        if (pid == 0) {
            if (chroot("/work/build") != 0 || chdir("/") != 0) _exit(126);
            execve(steps[i][0], (char *const *)steps[i], env);
            _exit(127);
        }
        int status = 0;
        must(waitpid(pid, &status, 0) == pid, "waitpid");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            say("minimal: step %zu (%s) failed, wait status %d", i + 1, steps[i][0], status);
            power_off("fail stage=step status=1");
        }
    }
    power_off("ok");
}
