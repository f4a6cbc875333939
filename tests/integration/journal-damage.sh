#!/usr/bin/env bash
# journal-damage.sh: bit rot in a finished run's journal (issue 16), on x86_64.
#   1. Two bytes inside step 3's "done" line of /state are changed with dd. The next boot
#      names the damaged line, trusts nothing after it, restores step 3's starting tree and
#      reruns steps 3 to 5: same outputs, result ok; `seedboot status` shows the damage
#      before that boot, and every step done after it.
#   2. A finished step's output is changed on the disk: the next boot names its layer as no
#      longer matching, never trusts it, and runs that step and every one after it again, to
#      the same outputs. The boots here use no layer cache: every untrusted step really runs.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec="$SRC/images/default.toml"
console() { tr -d '\r' <"$1/console.log"; }
outputs() { console "$1" | grep -E '^seedboot: output ' | awk '{print $3, $4}' | sort -u; }

boot x86_64 "$spec" "$tmp/run" --no-cache >/dev/null || fail "the first run failed"
outputs "$tmp/run" >"$tmp/ref.outputs"
[ "$(wc -l <"$tmp/ref.outputs")" -eq 4 ] || fail "expected 4 outputs in the first run"

# 1. The journal line, found in the work disk's bytes as a person would.
img=$tmp/run/work.img
offsets=$(grep -abo 'done 2 join-hello ' "$img" | cut -d: -f1)
[ -n "$offsets" ] || fail "no 'done 2 join-hello' line in $img"
for at in $offsets; do printf 'XY' | dd of="$img" bs=1 seek=$((at + 8)) conv=notrunc status=none; done
"$SEEDBOOT" status "$img" >"$tmp/status" 2>&1 || true
grep -q "journal: line 8 of /state is damaged (its check fails): 'done 2 jXYn-hello " "$tmp/status" ||
  fail "status does not name the damaged line: $(cat "$tmp/status")"
grep -q '\[3/5\] join-hello  *started, not finished' "$tmp/status" || fail "status: step 3 $(cat "$tmp/status")"
grep -q '\[4/5\] hello  *pending' "$tmp/status" || fail "status trusts step 4 after the damage: $(cat "$tmp/status")"
grep -q "refusing its result" "$tmp/status" || fail "status believes the ok of a damaged journal"
grep -E "journal:|\[[345]/5\]" "$tmp/status"

rc=0
boot x86_64 "$spec" "$tmp/run" --resume --no-cache >/dev/null 2>&1 || rc=$?
[ $rc -eq 0 ] || { console "$tmp/run" | tail -30 >&2; fail "the boot after the damage exited $rc"; }
console "$tmp/run" | grep -q "seedboot: journal: line 8 of /work/state is damaged (its check fails): 'done 2 jXYn-hello " ||
  fail "the console does not name the damaged line"
console "$tmp/run" | grep -q "seedboot: layers: \[3\] join-hello was cut off or failed, so it starts again from the tree it started on" ||
  fail "step 3's starting tree was not restored"
for s in 3/5\]\ join-hello 4/5\]\ hello 5/5\]\ run-hello; do
  console "$tmp/run" | grep -q "seedboot: \[$s start" || fail "step [$s did not run again"
done
[ "$(console "$tmp/run" | grep -c 'already done (journal)')" -eq 2 ] || fail "not exactly steps 1 and 2 were taken as done"
outputs "$tmp/run" | diff "$tmp/ref.outputs" - >&2 || fail "the rerun gave other outputs"
"$SEEDBOOT" status "$img" >"$tmp/status" || fail "status after the rerun: $(cat "$tmp/status")"
grep -q "5 of 5 steps done" "$tmp/status" && grep -q "result ok" "$tmp/status" ||
  fail "status after the rerun: $(cat "$tmp/status")"
grep -q "damaged" "$tmp/status" && fail "status still reports damage after the rerun"
console "$tmp/run" | grep -E "^seedboot: (journal:|\[3\] )"
echo "journal-damage: damaged line named, steps 3-5 rerun, same outputs, status agrees"

# 2. /bin/hello (made by step 4) changed on the finished disk: the boot must fail, on the
#    console and in /result.
"$SEEDBOOT" extract "$img" --path /build/bin -o "$tmp/bin" >/dev/null
python3 - "$img" "$tmp/bin/hello" <<'PY' || fail "/bin/hello is not found in the work disk"
import sys
disk, hello = sys.argv[1], open(sys.argv[2], "rb").read()
image = open(disk, "rb").read()
# Every copy: the rerun above set step 3's and 4's first outputs aside.
where, at = [], image.find(hello)
while len(hello) >= 16 and at >= 0:
    where.append(at)
    at = image.find(hello, at + 1)
if not where:
    sys.exit(1)
with open(disk, "r+b") as f:
    for at in where:
        f.seek(at + len(hello) - 1)
        f.write(bytes([hello[-1] ^ 0xFF]))
PY
rc=0
boot x86_64 "$spec" "$tmp/run" --resume --no-cache >/dev/null 2>&1 || rc=$?
[ $rc -eq 0 ] || { console "$tmp/run" | tail -30 >&2; fail "the boot after a changed output exited $rc"; }
console "$tmp/run" | grep -q "seedboot: .*layer 0004 no longer matches the line that committed it" ||
  fail "the changed layer 0004 is not named: $(console "$tmp/run" | grep -E 'layers|journal')"
for s in 4/5\]\ hello 5/5\]\ run-hello; do
  console "$tmp/run" | grep -q "seedboot: \[$s start" || fail "step [$s did not run again"
done
outputs "$tmp/run" | diff "$tmp/ref.outputs" - >&2 || fail "the rerun after the change gave other outputs"
"$SEEDBOOT" status "$img" >"$tmp/status" 2>&1 || fail "status: $(cat "$tmp/status")"
grep -q "result ok" "$tmp/status" || fail "status after the rerun: $(cat "$tmp/status")"
console "$tmp/run" | grep -E "^seedboot: (journal|layers):"
echo "journal-damage: a changed layer is named and its step rerun, same outputs"
