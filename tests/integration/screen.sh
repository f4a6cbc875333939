#!/usr/bin/env bash
# screen.sh ARCH: the run shows on the screen. Boots the default image through UEFI with a
# display (x86: -vga std, arm64: ramfb; the firmware's framebuffer, as on a laptop), takes a
# QEMU screendump while the PID 1 holds the result on the screen, and reads the result line
# off the picture with OCR (tesseract, reading the screen as one block of text: --psm 6). The
# picture stays in the test's folder: screen.png.
. "$(dirname "$0")/lib.sh"
arch=$1
out="$BUILD/test-run/screen-$arch"
rm -rf "$out" && mkdir -p "$out"
sock="$out/monitor.sock" log="$out/console.log"
monitor() { echo "$1" | socat -t 5 - "UNIX-CONNECT:$sock" >/dev/null; }
boot "$arch" "$SRC/images/default.toml" "$out" --uefi --screen --monitor "$sock" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
# The serial result line comes after the screen's (init/console/console.cpp write_result).
for _ in $(seq 1 1200); do
  grep -qs '^SEEDBOOT-RESULT: ' "$log" && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.2
done
grep -q '^SEEDBOOT-RESULT: ok' <(tr -d '\r' <"$log") || { tail -n 30 "$log" >&2; fail "no ok result line on the serial console"; }
grep -q '^seedboot: the screen keeps the result for 60 s' <(tr -d '\r' <"$log") ||
  fail "the PID 1 found no screen (no hold announced)"
monitor stop # the picture of the hold, whatever the guest's clock does
monitor "screendump $out/screen.png -f png"
monitor quit
rc=0
wait $pid || rc=$?
trap - EXIT
[ $rc -eq 0 ] || fail "seedboot boot exited $rc after the screendump"
[ -s "$out/screen.png" ] || fail "no screendump in $out/screen.png"
tesseract "$out/screen.png" "$out/screen" --psm 6 >/dev/null 2>&1 || fail "tesseract could not read $out/screen.png"
grep -q 'SEEDBOOT-RESULT: ok' "$out/screen.txt" ||
  fail "the result line is not on the screen: OCR of $out/screen.png read: $(tr '\n' '|' <"$out/screen.txt")"
grep -q 'the screen keeps the result' "$out/screen.txt" ||
  fail "the PID 1's lines are not on the screen: OCR read: $(tr '\n' '|' <"$out/screen.txt")"
echo "screen $arch: the result line is on the screen ($out/screen.png)"
