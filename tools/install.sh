#!/usr/bin/env bash
# install.sh DESTDIR PREFIX SEEDBOOT BUILD: what `make install` puts in DESTDIR/PREFIX.
#   bin/seedboot                      the CLI (debug info stripped)
#   lib/seedboot/ARCH/init            the static PID 1 of each arch (INIT_ARCH=FILE: a prebuilt
#                                     one); the CLI finds it there without --init
#   lib/seedboot/ARCH/bzImage|Image   the kernel of each arch, found there without --kernel
#   lib/seedboot/ARCH/KERNEL.config   its full configuration (build-kernel.sh's .config)
#   share/seedboot/kernel-config/     the kernel configs, their build script and source lock
#   share/seedboot/images/, rootfs/   the example specs and what they read from the repository
#   share/man/man1/seedboot.1         the manual page
# Every PID 1 passes `seedboot preflight --arch ARCH` first: nothing dynamic is installed.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: install.sh DESTDIR PREFIX SEEDBOOT BUILD" >&2; exit 2; }
dest=$1 prefix=$2 seedboot=$3 build=$4
case $prefix in /*) ;; *) echo "install.sh: PREFIX '$prefix' (expected an absolute path)" >&2; exit 2 ;; esac
root=$dest$prefix
src=$(cd "$(dirname "$0")/.." && pwd)

init_of() { local var=INIT_$1; echo "${!var:-$build/guest/$1/init/init}"; }
# All three are checked before anything is installed.
for arch in i386 x86_64 aarch64; do "$seedboot" preflight --arch $arch "$(init_of $arch)" >/dev/null; done
for arch in i386 x86_64 aarch64; do
  kernel=bzImage
  [ $arch != aarch64 ] || kernel=Image
  install -D -m 0755 "$(init_of $arch)" "$root/lib/seedboot/$arch/init"
  install -D -m 0644 "$build/kernel/$arch/$kernel" "$root/lib/seedboot/$arch/$kernel"
  install -D -m 0644 "$build/kernel/$arch/.config" "$root/lib/seedboot/$arch/$kernel.config"
done
install -D -m 0755 "$seedboot" "$root/bin/seedboot"
strip --strip-debug "$root/bin/seedboot"

share=$root/share/seedboot
mkdir -p "$share/images"
cp -r --no-preserve=ownership "$src/kernel-config" "$src/rootfs" "$share/"
# The specs that need nothing from the checkout beyond rootfs/: the default image, and the
# stage-0 and StageX chains, which read the user's sources (--sources) and earlier outputs.
for spec in default stage0 stage0-hello stagex-stage0 stagex-stage0-hello stagex-stage1 \
  stagex-stage2 stagex-stage3; do
  install -m 0644 "$src/images/$spec.toml" "$share/images/"
done
install -D -m 0644 "$src/docs/seedboot.1" "$root/share/man/man1/seedboot.1"
install -D -m 0644 "$src/README.md" "$root/share/doc/seedboot/README.md"
install -d "$root/share/doc/seedboot/docs"
install -m 0644 "$src"/docs/*.md "$root/share/doc/seedboot/docs/"
echo "install: seedboot, 3 PID 1s and 3 kernels in $root"
