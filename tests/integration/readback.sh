#!/usr/bin/env bash
# readback.sh: `seedboot status` and `seedboot extract` on the work disk of a
# real run (no mount, no root), and their errors on damaged disks.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
boot x86_64 "$SRC/images/default.toml" "$tmp/run" >/dev/null || fail "the default chain did not pass"
work="$tmp/run/work.img"
"$SEEDBOOT" status "$work" > "$tmp/status" || fail "status exited non-zero"
grep -q "arch x86_64, 5 of 5 steps done" "$tmp/status" || fail "status: $(cat "$tmp/status")"
grep -q "result ok" "$tmp/status" || fail "status shows no ok result"
"$SEEDBOOT" extract "$work" --path /build/bin -o "$tmp/bin" >/dev/null || fail "extract failed"
(cd "$tmp" && sed 's|  bin/|  bin/|' "$SRC/rootfs/chain/x86_64/chain.answers" | grep ' bin/' | sha256sum -c --quiet -) ||
  fail "extracted outputs do not match the answers"
[ -x "$tmp/bin/hello" ] || fail "extracted hello lost its exec bit"
# A stage root is taken only with the digest the guest recorded: this plan has no digest root.
expect_error "/result records no tree digest for build root s-package (expected the plan's digest root)" \
  "$SEEDBOOT" extract "$work" --root s-package -o "$tmp/pkg"
"$SEEDBOOT" pack-dir "$tmp/bin" -o "$tmp/a.sqfs" >/dev/null
touch -d 2001-01-01 "$tmp/bin"/* && chmod g+w "$tmp/bin"/*
"$SEEDBOOT" pack-dir "$tmp/bin" -o "$tmp/b.sqfs" >/dev/null
cmp -s "$tmp/a.sqfs" "$tmp/b.sqfs" || fail "pack-dir is not reproducible"

# Damaged disks: a clear error naming the file, never a crash.
head -c 20M "$work" > "$tmp/cut.img"
expect_error "$tmp/cut.img: truncated" "$SEEDBOOT" status "$tmp/cut.img"
expect_error "$tmp/cut.img: truncated" "$SEEDBOOT" extract "$tmp/cut.img" -o "$tmp/x"
cp "$work" "$tmp/bad.img"
printf 'XX' | dd of="$tmp/bad.img" bs=1 seek=$((512 + 16)) conv=notrunc status=none
expect_error "$tmp/bad.img: primary GPT header damaged" "$SEEDBOOT" status "$tmp/bad.img"
head -c 1M /dev/zero > "$tmp/zero.img"
expect_error "$tmp/zero.img: neither a GPT disk" "$SEEDBOOT" extract "$tmp/zero.img" -o "$tmp/x"
expect_error "$tmp/run/root.img" "$SEEDBOOT" status "$tmp/run/root.img"
echo "readback: ok"
