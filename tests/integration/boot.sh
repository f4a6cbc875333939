#!/usr/bin/env bash
# boot.sh ARCH IMAGE [--uefi [BUS]]: boots images/IMAGE.toml on ARCH under QEMU and
# expects SEEDBOOT-RESULT: ok; checks the console protocol's step lines too. BUS (virtio,
# usb, nvme, ahci) attaches the disk as on a real machine; the PID 1 must then name a root
# and a work partition on that kind of disk.
. "$(dirname "$0")/lib.sh"
arch=$1 image=$2 mode=${3:-} bus=${4:-virtio}
[ "$mode" = --uefi ] || mode=""
out="$BUILD/test-run/$image-$arch${mode:+-uefi}"
[ "$bus" = virtio ] || out="$out-$bus"
rm -rf "$out"
rc=0
boot "$arch" "$SRC/images/$image.toml" "$out" $mode --disk-bus "$bus" || rc=$?
log="$out/console.log"
if [ $rc -ne 0 ]; then
  tail -n 40 "$log" >&2 || true
  fail "$image on $arch ($bus): seedboot boot exited $rc"
fi
grep -q '^SEEDBOOT-RESULT: ok' <(tr -d '\r' < "$log") || fail "no ok result line in $log"
steps=$("$SEEDBOOT" plan "$SRC/images/$image.toml" --arch "$arch" --build-dir "$BUILD" | grep -c '^step ')
ends=$(tr -d '\r' < "$log" | grep -cE '^seedboot: \[[0-9]+/[0-9]+\] .* end status=0')
[ "$ends" -eq "$steps" ] || fail "$image on $arch: $ends of $steps steps reported end status=0"
case $bus in virtio) dev=vd ;; usb | ahci) dev=sd ;; nvme) dev=nvme ;; esac
disks=$(tr -d '\r' < "$log" | sed -n 's/^seedboot: root \(\/dev\/[a-z0-9]*\), work partition \(\/dev\/[a-z0-9]*\):.*/\1 \2/p')
[[ "$disks" =~ ^/dev/$dev[a-z0-9]+\ /dev/$dev[a-z0-9]+$ ]] ||
  fail "$image on $arch ($bus): expected root and work on /dev/$dev*, the console says '$disks'"
# The guest gets every host core (issue 15): what the kernel brought up, as the PID 1 saw it,
# capped only by the kernel (NR_CPUS: x86_64 64, i386 8) or the board (arm64 virt: 8).
want=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc) cap=8
[ "$arch" != x86_64 ] || cap=64
[ "$want" -le "$cap" ] || want=$cap
online=$(tr -d '\r' < "$log" | sed -n 's/.*seedboot: PID 1 up at [0-9.]* s since boot, \([0-9]*\) CPU(s) online.*/\1/p')
[ "$online" = "$want" ] || fail "$image on $arch: the guest has '$online' CPU(s) online, expected $want (one per host core)"
echo "$image on $arch ($bus): ok, $steps steps, root and work: $disks, $online CPU(s)"
