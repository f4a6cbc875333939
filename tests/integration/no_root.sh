#!/usr/bin/env bash
# no_root.sh ARCH: a disk without a seedboot root (the stick not found, a wrong disk) ends
# with a line that says so after the kernel's bounded wait (rootwait=30), not a silent hang;
# the runner stops QEMU at the kernel's panic and names it.
. "$(dirname "$0")/lib.sh"
arch=$1
out="$BUILD/test-run/no-root-$arch"
rm -rf "$out" && mkdir -p "$out"
# A UEFI disk with the kernel and a work partition, but no root; --resume boots it as it is.
"$SEEDBOOT" disk --arch "$arch" --kernel "$(kernel_of "$arch")" --work-size 64M -o "$out/disk.img" >/dev/null
rc=0
start=$SECONDS
boot "$arch" "$SRC/images/default.toml" "$out" --uefi --resume 2>"$out/stderr" || rc=$?
took=$((SECONDS - start))
log=$(tr -d '\r' <"$out/console.log")
[ $rc -eq 2 ] || { echo "$log" | tail -n 20 >&2; fail "expected exit 2 (no result), got $rc"; }
grep -q 'VFS: no root device PARTLABEL=seedboot-root after 30 s of waiting (rootwait=30)' <<<"$log" ||
  fail "no line saying the root did not appear"
grep -q "the kernel panicked: .*Kernel panic - not syncing: VFS: Unable to mount root fs" "$out/stderr" ||
  fail "the runner did not name the panic: $(cat "$out/stderr")"
# The runner stops QEMU at the panic, not after the minute the panic holds the screen.
[ $took -lt 200 ] || fail "the runner took $took s: it waited out the panic"
echo "no root on $arch: the wait ended with a line, the runner stopped at the panic ($took s)"
