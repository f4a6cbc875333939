#!/usr/bin/env bash
# install-deps.sh: installs the Debian 12 packages seedboot needs, if missing,
# and makes the foreign-arch package indexes available for the sysroots.
#
# A half-synced mirror is a normal day: `apt-get update` is retried, and if an
# index still fails we go on with the ones that came. We fail only when a
# package we need cannot be installed, and then name it and say why.
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
  liblz4-dev liblzma-dev zlib1g-dev libtomlplusplus-dev libcli11-dev libcurl4-openssl-dev libarchive-dev
  # make static-cli: the .a files the shared links do not need (libarchive's ACL, libcurl's c-ares)
  libacl1-dev libc-ares-dev
  # image tools and QEMU
  qemu-system-x86 qemu-system-arm ovmf ovmf-ia32 qemu-efi-aarch64
  squashfs-tools squashfs-tools-ng e2fsprogs dosfstools mtools gdisk fdisk minisign
  # tests: the screen test reads the framebuffer with OCR (socat talks to the QEMU monitor);
  # git for the lock tests; strace kills a release at a chosen system call; skopeo and
  # podman take the OCI layouts `seedboot export` makes
  tesseract-ocr socat git strace skopeo podman
  # make bench-gnu: the host's native build's peak memory
  time
  # the repository's own checks (tools/audit-rooms.py, check-docs.py, check-deps.py) and the
  # torture and OCI tests
  python3
)
# Tests add a package no index has, to see the refusal (tests/integration/deps.sh).
read -r -a extra <<< "${SEEDBOOT_EXTRA_PACKAGES:-}"
pkgs+=("${extra[@]}")
# Extra apt-get options, e.g. -o Dir::Etc::sourceparts=DIR (tests/integration/deps.sh uses it).
read -r -a apt_opts <<< "${SEEDBOOT_APT_OPTS:-}"

say() { echo "install-deps: $*" >&2; }

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
foreign=()
for a in i386 arm64; do dpkg --print-foreign-architectures | grep -qx "$a" || foreign+=("$a"); done
[ ${#missing[@]} -eq 0 ] && [ ${#foreign[@]} -eq 0 ] && [ -z "${SEEDBOOT_FORCE_UPDATE:-}" ] && exit 0

sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { say "need root (or sudo) to install: ${missing[*]}"; exit 1; }
  sudo=sudo
fi
# Foreign arches are only for `apt-get download` of the static libraries the
# guest programs link (tools/make-sysroot.sh); nothing foreign is installed.
for a in "${foreign[@]}"; do $sudo dpkg --add-architecture "$a"; done

# apt-get update exits 100 when an index fails its check (a mirror mid-sync, a size
# mismatch) and 0 with a warning when one cannot be reached; the others are usable
# either way. Retry, then go on with what came.
update_log=$(mktemp)
trap 'rm -f "$update_log"' EXIT
updated=0
for attempt in 1 2 3; do
  if $sudo apt-get "${apt_opts[@]}" update -q >"$update_log" 2>&1 &&
    ! grep -q 'Failed to fetch' "$update_log"; then updated=1; break; fi
  say "apt-get update failed (attempt $attempt of 3)"
  [ "$attempt" = 3 ] || sleep $((attempt * ${SEEDBOOT_APT_RETRY_PAUSE:-5}))
done
if [ "$updated" = 0 ]; then
  say "going on with the package indexes that did download; these did not:"
  grep -E '^(E|W): Failed to fetch' "$update_log" | sed 's/^/  /' | head -n 20 >&2 || true
fi

[ ${#missing[@]} -eq 0 ] && exit 0
say "installing ${missing[*]}"
if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get "${apt_opts[@]}" install -y -q --no-install-recommends \
  "${missing[@]}" >"$update_log" 2>&1; then
  # Name each package apt cannot offer, and why, instead of apt's wall of text.
  for p in "${missing[@]}"; do
    cand=$(apt-cache "${apt_opts[@]}" policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
      say "cannot install $p: no package index offers it (did 'apt-get update' fail for its index? see above)"
    fi
  done
  say "apt-get install failed; its last lines:"
  tail -n 15 "$update_log" | sed 's/^/  /' >&2
  exit 1
fi
