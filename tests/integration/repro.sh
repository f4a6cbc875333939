#!/usr/bin/env bash
# repro.sh: `seedboot images` from two copies of the inputs that differ in
# folder, mtimes, permission bits we do not keep, umask, TZ and locale must
# give identical disk images (a smaller `make images` twice).
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for side in a b; do
  mkdir -p "$tmp/$side/tests"
  cp -r "$SRC/images" "$SRC/rootfs" "$tmp/$side/"
  cp -r "$SRC/tests/guest" "$tmp/$side/tests/"
done
find "$tmp/b" -type f -exec chmod g+w,o-r {} + -exec touch -d '2031-02-03 04:05:06' {} +
find "$tmp/b" -type d -exec chmod 0700 {} +
(cd "$tmp/a" && umask 022 && TZ=UTC LC_ALL=C "$SEEDBOOT" images --skip-missing --build-dir "$BUILD" -o out >/dev/null)
(cd "$tmp/b" && umask 077 && TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 "$SEEDBOOT" images --skip-missing --build-dir "$BUILD" -o out >/dev/null)
n=$(wc -l < "$tmp/a/out/SHA256SUMS")
[ "$n" -ge 6 ] || fail "expected at least 6 images, SHA256SUMS has $n lines"
diff "$tmp/a/out/SHA256SUMS" "$tmp/b/out/SHA256SUMS" >&2 || fail "the two builds differ"
# Each disk is a valid GPT with the three partitions.
for img in "$tmp"/a/out/*.img; do
  sgdisk -v "$img" | grep -q 'No problems found' || fail "sgdisk -v $img"
  for part in seedboot-esp seedboot-root seedboot-work; do
    sgdisk -p "$img" | grep -q " $part\$" || fail "$img has no partition $part"
  done
  # The ESP is the first partition, at 1 MiB: mtools reads the kernel back.
  case $img in *i386*) efi=BOOTIA32.EFI ;; *aarch64*) efi=BOOTAA64.EFI ;; *) efi=BOOTX64.EFI ;; esac
  MTOOLS_SKIP_CHECK=1 mdir -i "$img@@1048576" ::/EFI/BOOT | grep -q "${efi%.EFI} *EFI" || fail "$img: no /EFI/BOOT/$efi in the ESP"
done
echo "repro: $n images identical across the two builds"
cat "$tmp/a/out/SHA256SUMS"
