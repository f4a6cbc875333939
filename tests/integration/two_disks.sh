#!/usr/bin/env bash
# two_disks.sh: with another seedboot disk attached, the PID 1 writes only to its own, and the
# other disk is byte for byte what it was (x86_64, virtio: the kernel finds the run's disk,
# attached first, first; no layer cache disk, so that the others are vdb and vdc).
# docs/hardware.md "Which disk is written".
#   1. another image's disk attached: passed over (its work partition is not this image's)
#   2. a second copy of the same image (a finished run): the root's own disk is taken
#   3. direct kernel boot with two copies of the work disk: cannot tell, refused, nothing written
. "$(dirname "$0")/lib.sh"
arch=x86_64
t="$BUILD/test-run/two-disks"
rm -rf "$t" && mkdir -p "$t"
console() { tr -d '\r' <"$1/console.log"; }
sum() { sha256sum <"$1" | cut -d' ' -f1; }
must_boot() { # must_boot OUT ARGS...: boot the default image, expect ok
  local out=$1 rc=0
  shift
  boot "$arch" "$SRC/images/default.toml" "$out" --no-cache "$@" || rc=$?
  [ $rc -eq 0 ] || { console "$out" | tail -n 30 >&2; fail "$out: seedboot boot exited $rc"; }
}

# Another image: the default one with one more source, so its /identity differs.
cp -r "$SRC/images" "$SRC/rootfs" "$t/"
echo "another image" >"$t/rootfs/other-source"
printf '\n[[source]]\nname = "other"\npath = "../rootfs/other-source"\n' >>"$t/images/default.toml"
"$SEEDBOOT" pack "$t/images/default.toml" --arch $arch --init "$(init_of $arch)" --build-dir "$BUILD" \
  -o "$t/other.sqfs" >/dev/null
"$SEEDBOOT" disk --arch $arch --root "$t/other.sqfs" --kernel "$(kernel_of $arch)" --work-size 64M \
  -o "$t/other.img" >/dev/null

# 1. The run's disk and another image's disk.
before=$(sum "$t/other.img")
must_boot "$t/one" --uefi --attach "$t/other.img"
console "$t/one" | grep -qx "seedboot: root /dev/vda2, work partition /dev/vda3: made for this image, on the root's disk vda" ||
  fail "1: the PID 1 did not take its own work partition: $(console "$t/one" | grep 'work partition')"
console "$t/one" | grep -q "^seedboot: other seedboot disks, left alone: roots on vdb; work partitions /dev/vdb3 (another image's, " ||
  fail "1: the other disk was not named as left alone"
[ "$(sum "$t/other.img")" = "$before" ] || fail "1: another image's disk was changed"
echo "two disks: another image's disk left alone, byte for byte"

# 2. The run's disk and a copy of the same image (the finished disk of run 1).
before=$(sum "$t/one/disk.img")
must_boot "$t/two" --uefi --attach "$t/one/disk.img"
console "$t/two" | grep -q "^seedboot: root /dev/vda2, work partition /dev/vda3: made for this image, on the root's disk vda" ||
  fail "2: the PID 1 did not take the work partition on its root's disk"
console "$t/two" | grep -q "left alone: roots on vdb; work partitions /dev/vdb3 (this image's)" ||
  fail "2: the copy was not named as left alone"
[ "$(sum "$t/one/disk.img")" = "$before" ] || fail "2: the other copy of the image was changed"
echo "two disks: a second copy of the same image left alone, byte for byte"

# 3. Direct kernel boot (root and work on separate disks) with a copy of the work disk: two work
#    partitions of this image, neither on the root's disk. Refused before anything is written.
must_boot "$t/direct"
cp "$t/direct/work.img" "$t/work-copy.img"
before_work=$(sum "$t/direct/work.img") before_copy=$(sum "$t/work-copy.img")
rc=0
boot "$arch" "$SRC/images/default.toml" "$t/direct" --no-cache --resume --attach "$t/work-copy.img" || rc=$?
[ $rc -eq 1 ] || { console "$t/direct" | tail -n 20 >&2; fail "3: expected exit 1 (refused), got $rc"; }
console "$t/direct" | grep -qx 'SEEDBOOT-RESULT: fail step=work status=1' || fail "3: no failure at step work"
console "$t/direct" | grep -q "cannot tell which work partition to use: /dev/vdb1 (this image's), /dev/vdc1 (this image's) were all made for this image and none is on the root's disk vda; detach all but one; nothing was written" ||
  fail "3: the refusal does not say why: $(console "$t/direct" | grep error)"
[ "$(sum "$t/direct/work.img")" = "$before_work" ] && [ "$(sum "$t/work-copy.img")" = "$before_copy" ] ||
  fail "3: a refused boot changed a work disk"
echo "two disks: two copies of the work disk refused, both unchanged"
