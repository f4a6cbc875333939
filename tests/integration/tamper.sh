#!/usr/bin/env bash
# tamper.sh ARCH: a root image that differs from what was packed must make the PID 1
# refuse before it runs a step or touches the work partition, which keeps an earlier
# run's state byte for byte.
#   1. a seed one byte off its annotated source (every arch): step=seed-audit
#   2. (x86_64) a source changed inside a packed UEFI disk: step=manifest, naming the
#      file with both hashes
. "$(dirname "$0")/lib.sh"
arch=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$SRC/images" "$SRC/rootfs" "$tmp/"
# 256 KiB that no compressor shrinks: squashfs stores them as they are, so a byte
# flipped in the disk image reaches the guest as a changed file, not as a read error.
python3 -c 'import random, sys; random.seed(6); sys.stdout.buffer.write(random.randbytes(262144))' >"$tmp/rootfs/blob"
printf '\n[[source]]\nname = "blob"\npath = "../rootfs/blob"\n' >>"$tmp/images/default.toml"
spec=$tmp/images/default.toml
console() { tr -d '\r' <"$1/console.log"; }
refused_before_work() { # refused_before_work RUN RC WHAT
  [ "$2" -eq 1 ] || { console "$1" | tail -20 >&2; fail "$3: expected exit 1 (chain failed), got $2"; }
  console "$1" | grep -q '\] [a-z0-9-]* start$' && fail "$3: a step ran"
  console "$1" | grep -q 'work partition .* mounted' && fail "$3: the work partition was mounted"
  return 0
}

# 1. A finished run, then the same disk booted with a tampered seed.
boot "$arch" "$spec" "$tmp/run" >/dev/null 2>&1 || fail "the untampered run failed"
work_before=$(sha256sum <"$tmp/run/work.img")
printf '\x90' | dd of="$tmp/rootfs/seed/$arch/hex0-seed" bs=1 seek=120 conv=notrunc status=none
rc=0
boot "$arch" "$spec" "$tmp/run" --resume >/dev/null 2>&1 || rc=$?
refused_before_work "$tmp/run" $rc "tampered seed"
console "$tmp/run" | grep -qx 'SEEDBOOT-RESULT: fail step=seed-audit status=1' || fail "no seed-audit failure line"
console "$tmp/run" | grep -q 'seed /seed/hex0-seed does not match /seed/hex0-seed.hex0 at offset 120 (0x78)' ||
  fail "the refusal does not name the seed and the offset"
[ "$(sha256sum <"$tmp/run/work.img")" = "$work_before" ] || fail "the refused boot changed the work disk"
echo "tamper $arch: seed refused, work disk unchanged"
[ "$arch" = x86_64 ] || exit 0

# 2. A finished UEFI run, then one byte of /sources/blob flipped inside its disk.
cp "$SRC/rootfs/seed/$arch/hex0-seed" "$tmp/rootfs/seed/$arch/hex0-seed"
boot "$arch" "$spec" "$tmp/uefi" --uefi >/dev/null 2>&1 || fail "the untampered UEFI run failed"
want=$(sha256sum <"$tmp/rootfs/blob" | cut -d' ' -f1)
python3 - "$tmp/uefi/disk.img" "$tmp/rootfs/blob" <<'PY' || fail "the blob is not stored verbatim in the disk"
import sys
disk, blob = sys.argv[1], sys.argv[2]
data = bytearray(open(blob, "rb").read())
at = 200000  # inside the second 128 KiB block
with open(disk, "r+b") as f:
    image = f.read()
    where = image.find(bytes(data[at:at + 64]))
    if where < 0 or image.find(bytes(data[at:at + 64]), where + 1) >= 0:
        sys.exit(1)
    f.seek(where)
    f.write(bytes([data[at] ^ 0xFF]))
data[at] ^= 0xFF
open(blob + ".tampered", "wb").write(data)
PY
have=$(sha256sum <"$tmp/rootfs/blob.tampered" | cut -d' ' -f1)
disk_before=$(sha256sum <"$tmp/uefi/disk.img")
rc=0
boot "$arch" "$spec" "$tmp/uefi" --uefi --resume >/dev/null 2>&1 || rc=$?
refused_before_work "$tmp/uefi" $rc "tampered source"
console "$tmp/uefi" | grep -qxF "seedboot: error: manifest: /sources/blob: expected f 644 262144 $want, found f 644 262144 $have" ||
  fail "the refusal does not name the file with both hashes: $(console "$tmp/uefi" | grep manifest)"
console "$tmp/uefi" | grep -qx 'SEEDBOOT-RESULT: fail step=manifest status=1' || fail "no manifest failure line"
[ "$(sha256sum <"$tmp/uefi/disk.img")" = "$disk_before" ] || fail "the refused boot changed the disk"
echo "tamper $arch: changed source refused with both hashes, disk unchanged"

# 3. A root image the kernel cannot read (issue 16): its superblock garbled, then its inode
#    table damaged, inside the same UEFI disk. The runner says the root image could not be
#    read and quotes the kernel; the disk, work partition included, is left as it was.
damage_root() { # damage_root WHAT: prints the byte offset of the root squashfs in the disk
  python3 - "$tmp/uefi/disk.img" "$1" <<'PY'
import struct, sys
disk, what = sys.argv[1], sys.argv[2]
image = open(disk, "rb").read()
starts = [at for at in range(0, len(image), 512) if image[at:at + 4] == b"hsqs"]
if len(starts) != 1:
    sys.exit(f"expected one squashfs in the disk, found {len(starts)}")
at = starts[0]
with open(disk, "r+b") as f:
    if what == "superblock":
        f.seek(at)
        f.write(b"garbled superblock")
    else:
        inode_table = struct.unpack_from("<Q", image, at + 64)[0]
        f.seek(at + inode_table + 2)
        f.write(bytes(range(7, 7 + 64)))
PY
}
for what in superblock inode-table; do
  cp "$tmp/uefi/disk.img" "$tmp/disk.good"
  damage_root "$what" || fail "could not damage the root image's $what"
  disk_before=$(sha256sum <"$tmp/uefi/disk.img")
  rc=0
  boot "$arch" "$spec" "$tmp/uefi" --uefi --resume >"$tmp/out" 2>&1 || rc=$?
  [ $rc -ne 0 ] || fail "a root image with a damaged $what booted ok"
  grep -q "the root image could not be read: the kernel said '.*\(VFS: Unable to mount root fs\|SQUASHFS error:\)" "$tmp/out" ||
    fail "damaged $what: the runner did not say the root image could not be read: $(tail -5 "$tmp/out")"
  [ "$(sha256sum <"$tmp/uefi/disk.img")" = "$disk_before" ] || fail "the boot with a damaged $what changed the disk"
  echo "tamper $arch: root $what damaged: $(grep -o "the root image could not be read.*'" "$tmp/out" | head -1)"
  mv "$tmp/disk.good" "$tmp/uefi/disk.img"
done
