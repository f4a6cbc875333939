#!/usr/bin/env bash
# kernel-lock.sh: a kernel source that differs from kernel-config/source.lock. A smoke build
# warns on one line and goes on, and its kernel boots the default image; the reproducible
# paths (KERNEL_LOCK_STRICT=1, which `make images` and `make release` set) refuse it.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The lock of another revision than the one installed.
sed -e 's/^package .*/package linux-source-6.1 6.1.1-1/' -e "s/^sha256 .*/sha256 $(printf '0%.0s' {1..64})/" \
  "$SRC/kernel-config/source.lock" >"$tmp/source.lock"
export KERNEL_LOCK=$tmp/source.lock

"$SRC/kernel-config/build-kernel.sh" x86_64 "$tmp/kernel" >"$tmp/out" 2>"$tmp/err" ||
  fail "a smoke build refused a source that differs from the lock: $(cat "$tmp/err")"
[ "$(grep -c 'kernel source differs' "$tmp/err")" = 1 ] || fail "expected one warning line: $(cat "$tmp/err")"
grep -qF "build-kernel: warning: kernel source differs from the lock: have linux-source-6.1 " "$tmp/err" ||
  fail "the warning does not name the source it has: $(cat "$tmp/err")"
grep -qF "lock $tmp/source.lock wants linux-source-6.1 6.1.1-1 (sha256 0000000000" "$tmp/err" ||
  fail "the warning does not name what the lock wants: $(cat "$tmp/err")"
"$SEEDBOOT" boot "$SRC/images/default.toml" --arch x86_64 --kernel "$tmp/kernel/bzImage" \
  --init "$(init_of x86_64)" --build-dir "$BUILD" --out-dir "$tmp/run" -q >/dev/null ||
  fail "the smoke kernel did not boot the default image: $(tail -5 "$tmp/run/console.log")"

rc=0
KERNEL_LOCK_STRICT=1 "$SRC/kernel-config/build-kernel.sh" x86_64 "$tmp/strict" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -ne 0 ] || fail "a strict build accepted a source that differs from the lock"
grep -qF "or run 'make lock-kernel' to lock the one you have" "$tmp/err" || fail "no way out named: $(cat "$tmp/err")"
[ ! -e "$tmp/strict/bzImage" ] || fail "a refused build left a kernel"

# make images sets the strict mode itself, and stops at the first kernel (-o: the host
# tools and PID 1s are built already; this is about the kernels).
rc=0
make -C "$SRC" -o host -o guests images BUILD="$BUILD" >"$tmp/out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "make images accepted a kernel source that differs from the lock"
grep -qF "A reproducible build (make images, make release) needs the locked source" "$tmp/out" ||
  fail "make images did not say why: $(tail -5 "$tmp/out")"
echo "kernel-lock.sh: smoke build warned and booted; strict build and make images refused"
