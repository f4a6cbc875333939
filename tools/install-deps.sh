#!/usr/bin/env bash
# install-deps.sh: installs the Debian 12 packages seedboot needs, if missing,
# and makes the foreign-arch package indexes available for the sysroots.
set -euo pipefail
pkgs=(
  # compilers and build tools
  build-essential cmake pkg-config clang-format g++-i686-linux-gnu g++-aarch64-linux-gnu
  # make fuzz: clang with libFuzzer and the sanitizer runtimes (only a Recommends of clang-14)
  clang libclang-rt-14-dev
  # kernel build
  linux-source-6.1 flex bison bc libelf-dev xz-utils
  # libraries (host; libssl-dev also for the kernel build)
  catch2 libssl-dev libsquashfs-dev libext2fs-dev libblkid-dev libseccomp-dev libsodium-dev libzstd-dev
  liblz4-dev liblzma-dev zlib1g-dev libtomlplusplus-dev libcli11-dev
  # image tools and QEMU
  qemu-system-x86 qemu-system-arm ovmf ovmf-ia32 qemu-efi-aarch64
  squashfs-tools squashfs-tools-ng e2fsprogs dosfstools mtools gdisk fdisk minisign
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
foreign=()
for a in i386 arm64; do dpkg --print-foreign-architectures | grep -qx "$a" || foreign+=("$a"); done
[ ${#missing[@]} -eq 0 ] && [ ${#foreign[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
# Foreign arches are only for `apt-get download` of the static libraries the
# guest programs link (tools/make-sysroot.sh); nothing foreign is installed.
for a in "${foreign[@]}"; do $sudo dpkg --add-architecture "$a"; done
echo "install-deps: installing ${missing[*]:-(none)}"
$sudo apt-get update -q >/dev/null
[ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
