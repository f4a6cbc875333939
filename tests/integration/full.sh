#!/usr/bin/env bash
# full.sh: a step that fills the work partition. The run must stop naming the step and
# the full disk with the finished step's output intact; a boot without more room must
# refuse to run anything; `seedboot grow` must refuse bad requests and leave the image
# unchanged; after growing, the run resumes and every output matches its answers.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec=$SRC/tests/images/full.toml
run=$tmp/run
img=$run/work.img
console() { tr -d '\r' <"$run/console.log"; }
a_sha=$(awk '$2 == "tmp/a" { print $1 }' "$SRC/tests/images/full.answers")

# 1. The big step fills the disk: named, with the disk's state, the hint and the result line.
rc=0
boot x86_64 "$spec" "$run" >/dev/null 2>&1 || rc=$?
[ $rc -eq 1 ] || { console | tail -20 >&2; fail "expected exit 1 (chain failed), got $rc"; }
console | grep -qE '^seedboot: error: step big failed with the work partition full \([0-9.]+ [KM]iB of [0-9.]+ MiB free, [0-9]+ inodes free\)$' ||
  fail "no 'work partition full' error naming the step"
console | grep -qF 'enlarge the work partition with `seedboot grow DISK --work-size SIZE`' || fail "no grow hint"
console | grep -qx 'SEEDBOOT-RESULT: fail step=big status=1' || fail "no fail line for step big"
"$SEEDBOOT" status "$img" >"$tmp/status"
grep -q '1 of 3 steps done' "$tmp/status" || fail "status: expected 1 of 3 steps done: $(cat "$tmp/status")"
grep -q 'big .*failed (status 1' "$tmp/status" || fail "status does not show big failed"
grep -q 'No space left on device' "$tmp/status" || fail "status: the failed step's log lost its last lines"
grep -qF "seedboot grow $img --work-size SIZE" "$tmp/status" || fail "status gives no grow hint"
# Nothing lost: the finished step's output is on the disk, unchanged.
"$SEEDBOOT" extract "$img" --path /build/tmp -o "$tmp/x1" >/dev/null
[ "$(sha256sum <"$tmp/x1/a" | cut -d' ' -f1)" = "$a_sha" ] || fail "output of the finished step changed"

# 2. Booting again without more room runs nothing and says why.
rc=0
boot x86_64 "$spec" "$run" --resume >/dev/null 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "a boot on the full disk exited $rc, expected 1"
console | grep -qE '^seedboot: error: the work partition is full \(.*\); the PID 1 needs 2.0 MiB free before it runs a step$' ||
  fail "no refusal on the full disk: $(console | tail -5)"
console | grep -qx 'SEEDBOOT-RESULT: fail step=work-space status=1' || fail "no work-space fail line"
console | grep -q ' start$' && fail "a step started on the full disk"

# 3. seedboot grow: bad requests change nothing.
before=$(sha256sum <"$img")
expect_error "seedboot-work is 16 MiB; --work-size 8M would shrink it (expected a larger size)" \
  "$SEEDBOOT" grow "$img" --work-size 8M
expect_error "--work-size 'lots' (expected a size like 64M or 2G)" "$SEEDBOOT" grow "$img" --work-size lots
expect_error "$run/root.img: no partition named 'seedboot-work' (partitions: 'seedboot-root')" \
  "$SEEDBOOT" grow "$run/root.img" --work-size 64M
head -c 100000 "$img" >"$tmp/cut.img"
expect_error "$tmp/cut.img: truncated" "$SEEDBOOT" grow "$tmp/cut.img" --work-size 64M
[ "$(sha256sum <"$img")" = "$before" ] || fail "a refused grow changed the image"
ls "$run" | grep -q grow- && fail "a refused grow left a temporary file: $(ls "$run")"

# 4. Grow, resume: the big step reruns (its partial layer set aside whole) and the run finishes.
"$SEEDBOOT" grow "$img" --work-size 64M | grep -q 'seedboot-work grew from 16 MiB to 64 MiB' || fail "grow did not report"
rc=0
boot x86_64 "$spec" "$run" --resume >/dev/null 2>&1 || rc=$?
[ $rc -eq 0 ] || { console | tail -20 >&2; fail "the resumed run exited $rc"; }
console | grep -q 'small already done (journal)' || fail "the finished step ran again"
console | grep -qx 'seedboot: layers: \[2\] big was cut off or failed, so it starts again from the tree it started on' ||
  fail "the resumed run does not say the failed step starts again"
console | grep -qx 'seedboot: layers: no trusted journal line commits it: layer 0002 set aside whole (as /work/aside/02-big.1)' ||
  fail "the failed step's layer was not set aside: $(console | grep 'layers:')"
[ "$(console | grep -c 'matches answers')" -eq 3 ] || fail "expected 3 outputs matching their answers"
"$SEEDBOOT" status "$img" | grep -q '3 of 3 steps done' || fail "status after the resumed run"
echo "full: reported, nothing lost, refused on a full disk, grown 16 -> 64 MiB, resumed to ok"
