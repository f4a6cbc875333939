#!/usr/bin/env bash
# tamper.sh ARCH: a root image whose seed differs from its annotated source by
# one byte must make the PID 1 refuse before executing anything.
. "$(dirname "$0")/lib.sh"
arch=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$SRC/images" "$SRC/rootfs" "$tmp/"
printf '\x90' | dd of="$tmp/rootfs/seed/$arch/hex0-seed" bs=1 seek=120 conv=notrunc status=none
rc=0
boot "$arch" "$tmp/images/default.toml" "$tmp/run" || rc=$?
log=$(tr -d '\r' < "$tmp/run/console.log")
[ $rc -eq 1 ] || { echo "$log" | tail -20 >&2; fail "expected exit 1 (chain failed), got $rc"; }
grep -q '^SEEDBOOT-RESULT: fail step=seed-audit status=1$' <<<"$log" || fail "no seed-audit failure line"
grep -q 'seed /seed/hex0-seed does not match /seed/hex0-seed.hex0 at offset 120 (0x78)' <<<"$log" ||
  fail "the refusal does not name the seed and the offset"
! grep -q '\] hex0-fixed-point start' <<<"$log" || fail "a step ran despite the tampered seed"
echo "tamper $arch: refused as expected"
