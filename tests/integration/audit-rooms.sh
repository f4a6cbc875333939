#!/usr/bin/env bash
# audit-rooms.sh: init/AUDIT.md's table of rooms holds for the checkout, and the check refuses,
# naming the file, each way the code can drift from it: a room that includes one it may not
# touch, a line count that is no longer true, a source outside every room, a room the table
# does not list. No QEMU.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check=$SRC/tools/audit-rooms.py
"$check" "$SRC" >"$tmp/out" || fail "audit-rooms fails on the checkout: $(cat "$tmp/out")"
grep -q "^audit-rooms: 9 rooms, [0-9]* lines, as init/AUDIT.md says$" "$tmp/out" ||
  fail "unexpected report: $(cat "$tmp/out")"

copy() { rm -rf "$tmp/c" && mkdir -p "$tmp/c" && cp -r "$SRC/init" "$tmp/c/"; }

copy # the console is the bottom room: it may include no other
sed -i '1a #include "init/work/work.hpp"' "$tmp/c/init/console/console.cpp"
expect_error 'init/console/console.cpp: includes "init/work/work.hpp", but `console/` may touch only no other room' \
  "$check" "$tmp/c"
want=$(awk -F'|' '$2 == " `console/` " {gsub(/ /, "", $3); print $3}' "$SRC/init/AUDIT.md")
expect_error "init/console/: $((want + 1)) lines, the table says $want" "$check" "$tmp/c"

copy
sed -i '1a #include "builder/cli/main.hpp"' "$tmp/c/init/steps/run_plan.cpp"
expect_error 'init/steps/run_plan.cpp: includes "builder/cli/main.hpp" (expected init/ROOM/... or libseedboot/...' \
  "$check" "$tmp/c"

copy
cp "$tmp/c/init/work/work.hpp" "$tmp/c/init/loose.hpp"
expect_error 'init/loose.hpp: a source outside every room' "$check" "$tmp/c"

copy
mkdir "$tmp/c/init/extra"
expect_error 'init/extra/: a room that init/AUDIT.md does not list' "$check" "$tmp/c"

copy # --update makes a count true again, and the check passes
echo "// one more line" >>"$tmp/c/init/verify/verify.cpp"
"$check" --update "$tmp/c" >/dev/null || fail "--update failed"
"$check" "$tmp/c" >/dev/null || fail "the check fails after --update"
grep -q '^| `verify/` | [0-9]* |' "$tmp/c/init/AUDIT.md" || fail "--update lost the verify/ row"
echo "audit-rooms: ok"
