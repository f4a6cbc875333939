#!/usr/bin/env bash
# cli.sh: the seedboot command line on bad input: one clear line naming the
# thing, a non-zero exit, never a crash. No QEMU needed.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# audit-seed: exit 0 on each arch; a changed byte in either file gives the offset.
for arch in i386 x86_64 aarch64; do
  src="$SRC/rootfs/seed/$arch/hex0.hex0" bin="$SRC/rootfs/seed/$arch/hex0-seed"
  "$SEEDBOOT" audit-seed "$src" "$bin" >/dev/null || fail "audit-seed $arch"
  cp "$bin" "$tmp/seed"
  printf '\x90' | dd of="$tmp/seed" bs=1 seek=100 conv=notrunc status=none
  expect_error "is not the assembly of $src: offset 100 (0x64)" "$SEEDBOOT" audit-seed "$src" "$tmp/seed"
  # In the source: turn the first digit pair of the ELF magic ("7F") into "7E".
  sed '0,/7[Ff]/s//7E/' "$src" > "$tmp/src.hex0"
  expect_error "offset 0 (0x0): source assembles to 0x7e, binary has 0x7f" "$SEEDBOOT" audit-seed "$tmp/src.hex0" "$bin"
  head -c 50 "$bin" > "$tmp/short"
  expect_error "binary has nothing (it ends there)" "$SEEDBOOT" audit-seed "$src" "$tmp/short"
done
expect_error "$tmp/none: cannot read the seed binary" "$SEEDBOOT" audit-seed "$SRC/rootfs/seed/i386/hex0.hex0" "$tmp/none"

# Specs: broken TOML, a missing file, a missing source, an unknown arch.
printf '[image\n' > "$tmp/broken.toml"
expect_error "$tmp/broken.toml:1: " "$SEEDBOOT" plan "$tmp/broken.toml" --arch x86_64
expect_error "$tmp/nope.toml: spec not found" "$SEEDBOOT" plan "$tmp/nope.toml" --arch x86_64
mkdir -p "$tmp/images" && sed 's|rootfs/chain/{arch}|rootfs/missing/{arch}|' "$SRC/images/default.toml" > "$tmp/images/d.toml"
cp -r "$SRC/rootfs" "$tmp/rootfs"
expect_error "$tmp/rootfs/missing/x86_64: No such file or directory" "$SEEDBOOT" plan "$tmp/images/d.toml" --arch x86_64
expect_error "arch 'sparc' is not in its [image] arches" "$SEEDBOOT" plan "$SRC/images/default.toml" --arch sparc
# Answers are read from the root image, never from the tree the steps write.
sed 's|^answers = .*|answers = ["/tmp/chain.answers"]|' "$SRC/images/default.toml" > "$tmp/images/a.toml"
expect_error "$tmp/images/a.toml: answers '/tmp/chain.answers' is not a file of the root image (expected /sources/NAME/... or /seed/...: the build tree is the steps' to write, so answers are read from the image)" \
  "$SEEDBOOT" plan "$tmp/images/a.toml" --arch x86_64

# Upstream sources: missing -> what to get and where; not the locked tree -> both digests.
cp "$SRC/images/stage0.toml" "$tmp/images/"
expect_error "$tmp/sources/stage0-posix: source 'stage0-posix' is missing (locked by $tmp/rootfs/locks/stage0-posix.lock; get it with \`seedboot get $tmp/rootfs/locks/stage0-posix.lock --into DIR\` (git https://github.com/oriansj/stage0-posix at 643598041bf7639883874fe2cdc9d9693c9b03d5 with every submodule, nested ones too))" \
  "$SEEDBOOT" plan "$tmp/images/stage0.toml" --arch x86_64
mkdir -p "$tmp/sources/stage0-posix" && echo "not stage0" > "$tmp/sources/stage0-posix/README.md"
expect_error "expects $(awk '/^sha256/{print $2}' "$SRC/rootfs/locks/stage0-posix.lock") (1512); top-level entries that differ: README.md (1 entries, lock 1); missing: .github, .gitmodules," \
  "$SEEDBOOT" plan "$tmp/images/stage0.toml" --arch x86_64

# Boot and disk: a missing kernel and a missing PID 1 are named.
expect_error "$tmp/bzImage: kernel not found (build it with make kernel-x86_64)" \
  "$SEEDBOOT" boot "$SRC/images/default.toml" --arch x86_64 --kernel "$tmp/bzImage" \
  --init "$(init_of x86_64)" --build-dir "$BUILD" --out-dir "$tmp/run" -q
expect_error "$tmp/init: PID 1 binary not found" "$SEEDBOOT" pack "$SRC/images/default.toml" --arch x86_64 \
  --init "$tmp/init" -o "$tmp/r.sqfs"
# The static preflight (issue 28): a PID 1 the kernel could not run as /init with nothing
# else in the image is refused, before anything is packed, naming the file and why.
printf '#include <stdio.h>\nint f(void) { return puts("x"); }\n' >"$tmp/f.c"
gcc -fPIE -pie -nostartfiles -Wl,-e,f -Wl,--no-dynamic-linker "$tmp/f.c" -o "$tmp/needs-libc" ||
  fail "cannot build a test binary with DT_NEEDED and no PT_INTERP"
gcc -c "$tmp/f.c" -o "$tmp/f.o" && gcc -shared -fPIC "$tmp/f.c" -o "$tmp/f.so" ||
  fail "cannot build an object file and a shared library to test with"
head -c 3000 "$(init_of x86_64)" >"$tmp/cut-init"
expect_error "$(command -v ls): dynamically linked: it asks for the program interpreter /lib64/ld-linux-x86-64.so.2 (PT_INTERP), which is not in the image (expected a static binary)" \
  "$SEEDBOOT" preflight "$(command -v ls)"
expect_error "$tmp/needs-libc: dynamically linked: it needs 1 shared library (DT_NEEDED: libc.so.6), not in the image (expected a static binary)" \
  "$SEEDBOOT" preflight "$tmp/needs-libc"
expect_error "$(init_of i386): an ELF file for EM_386, 32-bit (expected one for x86_64 (EM_X86_64, 64-bit))" \
  "$SEEDBOOT" preflight --arch x86_64 "$(init_of i386)"
expect_error "$tmp/cut-init: truncated: segment " "$SEEDBOOT" preflight "$tmp/cut-init"
expect_error "$tmp/f.o: ELF type 1 is not a program (expected ET_EXEC, or ET_DYN for static-pie)" \
  "$SEEDBOOT" preflight "$tmp/f.o"
expect_error "$tmp/f.so: no entry point (a shared library?; expected an executable)" \
  "$SEEDBOOT" preflight "$tmp/f.so"
expect_error "--arch 'arm' (expected i386, x86_64 or aarch64)" "$SEEDBOOT" preflight --arch arm "$tmp/f.so"
# Every file is checked and named, and one bad file fails the command.
"$SEEDBOOT" preflight "$(init_of x86_64)" "$tmp/f.o" >"$tmp/stdout" 2>"$tmp/stderr" &&
  fail "preflight of a good and a bad file succeeded"
grep -qF "$(init_of x86_64): a static PID 1 for x86_64" "$tmp/stdout" && grep -qF "$tmp/f.o: ELF type" "$tmp/stderr" ||
  fail "preflight of two files did not report both: $(cat "$tmp/stdout" "$tmp/stderr")"
expect_error "$SRC/README.md: not an ELF file (expected a static PID 1 executable)" \
  "$SEEDBOOT" preflight "$SRC/README.md"
for a in i386 x86_64 aarch64; do
  "$SEEDBOOT" preflight --arch $a "$(init_of $a)" | grep -qxF "$(init_of $a): a static PID 1 for $a (EM_$(
    case $a in i386) echo 386, 32 ;; x86_64) echo X86_64, 64 ;; aarch64) echo AARCH64, 64 ;; esac)-bit)" ||
    fail "preflight refuses or misnames the $a PID 1"
done
# images --cli holds the CLI it ships to the same check, and takes one per arch.
mkdir -p "$tmp/specs" && cp "$SRC/images/default.toml" "$tmp/specs/"
expect_error "$SEEDBOOT: dynamically linked" "$SEEDBOOT" images --specs "$tmp/specs" \
  --build-dir "$BUILD" -o "$tmp/out" --cli "$SEEDBOOT"
# A static PID 1 passes the preflight, but is not the CLI; both refusals come before any image.
expect_error "$(init_of x86_64): a static program, but not seedboot's CLI (it lacks the CLI's mark" \
  "$SEEDBOOT" images --specs "$tmp/specs" --build-dir "$BUILD" -o "$tmp/out1" --cli "$(init_of x86_64)"
[ ! -e "$tmp/out1/default-x86_64.sqfs" ] || fail "images --cli packed images before refusing the CLI"
# A static program of ours that carries the CLI's mark (builder/release/cli_mark.hpp) passes both.
mark=$(sed -n 's/.*kCliMark = "\(.*\)";/\1/p' "$SRC/builder/release/cli_mark.hpp")
printf '#include <stdio.h>\nint main(void) { puts("%s"); return 0; }\n' "$mark" >"$tmp/cli.c"
gcc -static -O2 -o "$tmp/fake-cli" "$tmp/cli.c" || fail "cannot build a static test program"
expect_error "$tmp/fake-cli: a second CLI for x86_64 (expected one --cli per arch)" \
  "$SEEDBOOT" images --specs "$tmp/specs" --build-dir "$BUILD" -o "$tmp/out2" \
  --cli "$tmp/fake-cli" --cli "$tmp/fake-cli"
[ ! -e "$tmp/out2/default-x86_64.sqfs" ] || fail "images --cli packed images before refusing a second CLI"
# pack and boot hold their PID 1 to it, given or found through $SEEDBOOT_INIT_ARCH (the embed
# path), which pack names on a line of its own.
expect_error "$(command -v ls): dynamically linked" "$SEEDBOOT" pack "$SRC/images/default.toml" \
  --arch x86_64 --init "$(command -v ls)" --build-dir "$BUILD" -o "$tmp/r.sqfs"
expect_error "$tmp/needs-libc: dynamically linked" env SEEDBOOT_INIT_x86_64="$tmp/needs-libc" \
  "$SEEDBOOT" pack "$SRC/images/default.toml" --arch x86_64 --build-dir "$BUILD" -o "$tmp/r.sqfs"
expect_error "$tmp/none: PID 1 binary not found (\$SEEDBOOT_INIT_x86_64 names it; expected a file)" \
  env SEEDBOOT_INIT_x86_64="$tmp/none" "$SEEDBOOT" pack "$SRC/images/default.toml" --arch x86_64 \
  --build-dir "$BUILD" -o "$tmp/r.sqfs"
expect_error "no PID 1 binary for x86_64: none given (--init or \$SEEDBOOT_INIT_x86_64), none built ($tmp/nobuild/guest/x86_64/init/init: make init-x86_64) and none installed (" \
  "$SEEDBOOT" pack "$SRC/images/default.toml" --arch x86_64 --build-dir "$tmp/nobuild" -o "$tmp/r.sqfs"
expect_error "$(init_of aarch64): an ELF file for EM_AARCH64, 64-bit (expected one for x86_64" \
  "$SEEDBOOT" boot "$SRC/images/default.toml" --arch x86_64 --kernel "$(kernel_of x86_64)" \
  --init "$(init_of aarch64)" --build-dir "$BUILD" --out-dir "$tmp/run" -q
[ ! -e "$tmp/r.sqfs" ] || fail "a refused PID 1 left an image behind"
cp "$(init_of x86_64)" "$tmp/prebuilt-init"
SEEDBOOT_INIT_x86_64="$tmp/prebuilt-init" "$SEEDBOOT" pack "$SRC/images/default.toml" --arch x86_64 \
  --build-dir "$BUILD" -o "$tmp/r.sqfs" >"$tmp/log" || fail "pack with \$SEEDBOOT_INIT_x86_64: $(cat "$tmp/log")"
grep -qxF "seedboot: PID 1 from \$SEEDBOOT_INIT_x86_64: $tmp/prebuilt-init (static: preflight passed)" "$tmp/log" ||
  fail "pack does not name the prebuilt PID 1: $(cat "$tmp/log")"
"$SEEDBOOT" pack "$SRC/images/default.toml" --arch x86_64 --init "$(init_of x86_64)" \
  --build-dir "$BUILD" -o "$tmp/r2.sqfs" >/dev/null || fail "pack with --init"
cmp -s "$tmp/r.sqfs" "$tmp/r2.sqfs" || fail "the same PID 1 from \$SEEDBOOT_INIT_x86_64 and --init gave other bytes"
rm -f "$tmp/r.sqfs" "$tmp/r2.sqfs"

# A block cache that cannot be one: the folder is named, and what was expected.
echo x > "$tmp/not-a-dir"
expect_error "$tmp/not-a-dir: cannot use as block cache: not a directory (expected a directory)" \
  "$SEEDBOOT" pack-dir "$SRC/rootfs/seed" --block-cache "$tmp/not-a-dir" -o "$tmp/p.sqfs"
expect_error "$tmp/not-a-dir/sub: cannot use as block cache: " \
  "$SEEDBOOT" pack "$SRC/images/default.toml" --arch x86_64 --init "$(init_of x86_64)" \
  --build-dir "$BUILD" --block-cache "$tmp/not-a-dir/sub" -o "$tmp/r.sqfs"
[ ! -e "$tmp/p.sqfs" ] && [ ! -e "$tmp/r.sqfs" ] || fail "a failed pack left an image behind"
expect_error "--work-size 'lots' (expected a size like 64M or 2G)" "$SEEDBOOT" disk --arch x86_64 --work-size lots -o "$tmp/d.img"
# Machine profiles: a bus QEMU cannot give, a screen without the firmware that draws it, a
# disk to attach that is not there; all said before anything is packed.
boot_x86() { "$SEEDBOOT" boot "$SRC/images/default.toml" --arch x86_64 --kernel "$tmp/bzImage" \
  --init "$(init_of x86_64)" --build-dir "$BUILD" --out-dir "$tmp/run" -q "$@"; }
expect_error "unknown disk bus 'floppy' (expected virtio, usb, nvme or ahci)" boot_x86 --uefi --disk-bus floppy
expect_error "QEMU's SATA disks cannot be read-only, and direct kernel boot attaches the root disk read-only" \
  boot_x86 --disk-bus ahci
expect_error "--screen needs --uefi (the screen is the UEFI firmware's framebuffer" boot_x86 --screen
expect_error "--cpus: Value 0 not in range 1 to 256" boot_x86 --cpus 0
expect_error "9 CPUs for aarch64 (its QEMU board takes at most 8)" "$SEEDBOOT" boot \
  "$SRC/images/default.toml" --arch aarch64 --kernel "$tmp/bzImage" --init "$(init_of x86_64)" \
  --build-dir "$BUILD" --out-dir "$tmp/run" -q --cpus 9
# The spec's [image] cpus meets the same limit, named as the spec's.
sed 's/^boot_timeout = .*/&\ncpus = 9/' "$SRC/images/default.toml" >"$tmp/images/nine.toml"
grep -qx 'cpus = 9' "$tmp/images/nine.toml" || fail "could not add cpus to a copy of default.toml"
expect_error "$tmp/images/nine.toml: [image] cpus: 9 CPUs for aarch64 (its QEMU board takes at most 8)" \
  "$SEEDBOOT" boot "$tmp/images/nine.toml" --arch aarch64 --kernel "$tmp/bzImage" \
  --init "$(init_of x86_64)" --build-dir "$BUILD" --out-dir "$tmp/run" -q
# Guest RAM: a size in whole MiB from 256M to 64G, and never more than this host has.
expect_error "--memory '128M' (expected a whole number of MiB from 256M to 64G, like 3G)" boot_x86 --memory 128M
expect_error "--memory '3X' (expected a whole number of MiB from 256M to 64G, like 3G)" boot_x86 --memory 3X
host_mib=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))
if [ "$host_mib" -lt 65536 ]; then
  expect_error "--memory: 65536 MiB is more than this host's $host_mib MiB of RAM (expected at most that)" \
    boot_x86 --memory 64G
  sed 's/^boot_timeout = .*/&\nmemory = "64G"/' "$SRC/images/default.toml" >"$tmp/images/big.toml"
  expect_error "$tmp/images/big.toml: [image] memory: 65536 MiB is more than this host's $host_mib MiB" \
    "$SEEDBOOT" boot "$tmp/images/big.toml" --arch x86_64 --kernel "$tmp/bzImage" \
    --init "$(init_of x86_64)" --build-dir "$BUILD" --out-dir "$tmp/run" -q
fi
# i386 on q35: RAM past 2815 MiB would sit above 4 GiB, where the HIGHMEM4G kernel cannot go.
expect_error "--memory: 3072 MiB is more than an i386 guest can use (expected at most 2815 MiB: the q35 board puts more above 4 GiB, out of reach of the HIGHMEM4G kernel)" \
  "$SEEDBOOT" boot "$SRC/images/default.toml" --arch i386 --kernel "$tmp/bzImage" \
  --init "$(init_of x86_64)" --build-dir "$BUILD" --out-dir "$tmp/run" -q --memory 3G
expect_error "--attach $tmp/nope.img: no such disk image (expected a raw disk image file)" \
  boot_x86 --uefi --attach "$tmp/nope.img"
touch "$tmp/x.img"
# The run's disk, its layer cache and five more; without the cache, six fit.
expect_error "7 disks on AHCI (it has 6 ports)" boot_x86 --uefi --disk-bus ahci \
  --attach "$tmp/x.img" --attach "$tmp/x.img" --attach "$tmp/x.img" --attach "$tmp/x.img" \
  --attach "$tmp/x.img"
expect_error "7 disks on AHCI (it has 6 ports)" boot_x86 --uefi --disk-bus ahci --no-cache \
  --attach "$tmp/x.img" --attach "$tmp/x.img" --attach "$tmp/x.img" --attach "$tmp/x.img" \
  --attach "$tmp/x.img" --attach "$tmp/x.img"
expect_error "--cache-size '1M' (expected a size of at least 16M, like 2G)" boot_x86 \
  --cache "$tmp/new-cache.img" --cache-size 1M
expect_error "disk bus 'ahci' on aarch64 under UEFI: AAVMF (Debian 12) has no AHCI driver" \
  "$SEEDBOOT" boot "$SRC/images/default.toml" --arch aarch64 --kernel "$tmp/bzImage" \
  --init "$(init_of aarch64)" --build-dir "$BUILD" --out-dir "$tmp/run" -q --uefi --disk-bus ahci
# --accel: an unknown name; KVM for a guest of another arch than the host's; a KVM device that
# does not open (here; with a usable one the missing kernel is what stops it). [ -c ] first:
# bash's <> would create a missing /dev/kvm as a file.
expect_error "--accel 'xen' (expected kvm, tcg or auto)" boot_x86 --accel xen
host=$(uname -m) other=aarch64
[ "$host" != aarch64 ] || other=x86_64
expect_error "--accel kvm: KVM cannot run an $other guest on this $host host (it runs guests of the host's own arch, and i386 on x86_64); use --accel tcg or auto" \
  "$SEEDBOOT" boot "$SRC/images/default.toml" --arch "$other" --kernel "$tmp/bzImage" \
  --init "$(init_of "$other")" --build-dir "$BUILD" --out-dir "$tmp/run" -q --accel kvm
if [ "$host" = x86_64 ] && ! { [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; }; then
  expect_error "--accel kvm: /dev/kvm: cannot open read-write: " boot_x86 --accel kvm
elif [ "$host" = x86_64 ]; then
  expect_error "$tmp/bzImage: kernel not found" boot_x86 --accel kvm
fi
expect_error "--test-silent-kvm needs --accel auto" boot_x86 --test-silent-kvm
[ ! -e "$tmp/run/root.sqfs" ] || fail "a refused boot packed an image"
# A work-only disk belongs to one root image (its /identity), which must have one.
expect_error "--work-for belongs to a work-only disk: give --work-size and no --root" \
  "$SEEDBOOT" disk --arch x86_64 --root "$tmp/r.sqfs" --work-size 64M --work-for "$tmp/r.sqfs" -o "$tmp/d.img"
"$SEEDBOOT" pack-dir "$SRC/rootfs/seed" -o "$tmp/old.sqfs" >/dev/null
expect_error "$tmp/old.sqfs: \"/identity\": no such file in the image (packed by an older seedboot? pack the image again)" \
  "$SEEDBOOT" disk --arch x86_64 --work-size 64M --work-for "$tmp/old.sqfs" -o "$tmp/d.img"
expect_error "$tmp/not-a-dir: not a squashfs image" \
  "$SEEDBOOT" disk --arch x86_64 --work-size 64M --work-for "$tmp/not-a-dir" -o "$tmp/d.img"
[ ! -e "$tmp/d.img" ] || fail "a refused disk was written"
# Outputs replace files, never folders or devices; grow refuses a device before reading it.
mkdir "$tmp/out.img"
expect_error "$tmp/out.img: not a regular file (expected a file to replace, or nothing)" \
  "$SEEDBOOT" disk --arch x86_64 --work-size 16M -o "$tmp/out.img"
expect_error "/dev/null: not a regular file (a device cannot be enlarged by seedboot grow" \
  "$SEEDBOOT" grow /dev/null --work-size 4G
# A root image the kernel could not mount is refused before it goes into a disk (issue 16).
"$SEEDBOOT" pack-dir "$SRC/rootfs/seed" -o "$tmp/good.sqfs" >/dev/null
"$SEEDBOOT" disk --arch x86_64 --root "$tmp/good.sqfs" -o "$tmp/good.img" >/dev/null ||
  fail "seedboot disk refused a good root image"
size=$(stat -c %s "$tmp/good.sqfs")
head -c $((size / 2)) "$tmp/good.sqfs" >"$tmp/half.sqfs"
expect_error "--root $tmp/half.sqfs: truncated: the superblock says" \
  "$SEEDBOOT" disk --arch x86_64 --root "$tmp/half.sqfs" -o "$tmp/d.img"
cp "$tmp/good.sqfs" "$tmp/long.sqfs" && head -c 8192 /dev/zero >>"$tmp/long.sqfs"
expect_error "--root $tmp/long.sqfs: the file has $((size + 8192)) bytes, the superblock says" \
  "$SEEDBOOT" disk --arch x86_64 --root "$tmp/long.sqfs" -o "$tmp/d.img"
cp "$tmp/good.sqfs" "$tmp/garbled.sqfs"
printf 'garbled!' | dd of="$tmp/garbled.sqfs" bs=1 seek=12 conv=notrunc status=none
expect_error "--root $tmp/garbled.sqfs: bad superblock" \
  "$SEEDBOOT" disk --arch x86_64 --root "$tmp/garbled.sqfs" -o "$tmp/d.img"
cp "$tmp/good.sqfs" "$tmp/magic.sqfs"
printf 'XXXX' | dd of="$tmp/magic.sqfs" bs=1 seek=0 conv=notrunc status=none
expect_error "--root $tmp/magic.sqfs: not a squashfs image (bad magic)" \
  "$SEEDBOOT" disk --arch x86_64 --root "$tmp/magic.sqfs" -o "$tmp/d.img"
[ ! -e "$tmp/d.img" ] || fail "a refused root image left a disk behind"
# seedboot unpack-deb: a package built by dpkg-deb unpacks to its files (modes, symlinks);
# a truncated one, a file that is not a .deb, and an ar archive without data.tar are named.
mkdir -p "$tmp/pkg/DEBIAN" "$tmp/pkg/usr/bin"
printf 'Package: probe\nVersion: 1\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n' >"$tmp/pkg/DEBIAN/control"
printf '#!/bin/sh\necho hi\n' >"$tmp/pkg/usr/bin/probe" && chmod 755 "$tmp/pkg/usr/bin/probe"
ln -s probe "$tmp/pkg/usr/bin/probe-link"
dpkg-deb --root-owner-group -Zxz -b "$tmp/pkg" "$tmp/probe.deb" >/dev/null
"$SEEDBOOT" unpack-deb -o "$tmp/unpacked" "$tmp/probe.deb" >/dev/null || fail "unpack-deb of a good package failed"
[ -x "$tmp/unpacked/usr/bin/probe" ] && [ "$(readlink "$tmp/unpacked/usr/bin/probe-link")" = probe ] ||
  fail "unpack-deb did not give the package's files, modes and symlinks"
[ ! -e "$tmp/unpacked/DEBIAN" ] || fail "unpack-deb unpacked the control member"
head -c $(($(stat -c %s "$tmp/probe.deb") - 60)) "$tmp/probe.deb" >"$tmp/short.deb"
expect_error "$tmp/short.deb (data.tar.xz): cannot open it as a tar: damaged or truncated" "$SEEDBOOT" unpack-deb -o "$tmp/u2" "$tmp/short.deb"
echo 'not a package' >"$tmp/text.deb"
expect_error "$tmp/text.deb: cannot open it as a .deb (an ar archive)" \
  "$SEEDBOOT" unpack-deb -o "$tmp/u2" "$tmp/text.deb"
(cd "$tmp" && printf '2.0\n' >debian-binary && ar rc nodata.deb debian-binary)
expect_error "$tmp/nodata.deb: no data.tar member (expected a Debian binary package)" \
  "$SEEDBOOT" unpack-deb -o "$tmp/u2" "$tmp/nodata.deb"
echo "cli: ok"
