#!/usr/bin/env bash
# accel.sh ARCH: --accel auto ends ok whatever the host's KVM does. First with the test hook
# that makes KVM's attempt a guest that prints nothing (QEMU -S), as KVM guests hang on some
# hosts after "Booting from ROM": the attempt is stopped after its window, the fallback says
# so on the terminal and in the console log, and TCG boots the same disks to ok. Then plain
# auto: KVM if this host has a usable one, else TCG at once with the reason.
. "$(dirname "$0")/lib.sh"
arch=$1
out="$BUILD/test-run/accel-$arch"
rm -rf "$out"
rc=0
boot "$arch" "$SRC/images/default.toml" "$out/silent" --accel auto --test-silent-kvm \
  >"$out.silent.stdout" || rc=$?
log="$out/silent/console.log"
[ $rc -eq 0 ] || { tail -n 20 "$log" >&2; fail "auto after a silent KVM guest: exited $rc"; }
said=$(grep '^seedboot: KVM guest printed nothing in' "$out.silent.stdout") ||
  fail "no fallback line on the terminal: $(cat "$out.silent.stdout")"
[[ "$said" =~ ^seedboot:\ KVM\ guest\ printed\ nothing\ in\ ([0-9.]+)\ s\ \(a\ known\ hang\ on\ some\ hosts\ after\ \'Booting\ from\ ROM\'\)\;\ falling\ back\ to\ TCG$ ]] ||
  fail "the fallback line reads '$said'"
waited=${BASH_REMATCH[1]}
grep -qxF "$said" <(tr -d '\r' <"$log") || fail "the fallback line is not in $log"
[ "$(tr -d '\r' <"$log" | grep -c '^SEEDBOOT-RESULT: ok$')" -eq 1 ] || fail "expected one ok line in $log"
# The fallback booted the disks the attempt had: one journal, every step run once.
steps=$("$SEEDBOOT" plan "$SRC/images/default.toml" --arch "$arch" --build-dir "$BUILD" | grep -c '^step ')
ends=$(tr -d '\r' <"$log" | grep -cE '^seedboot: \[[0-9]+/[0-9]+\] .* end status=0')
[ "$ends" -eq "$steps" ] || fail "after the fallback $ends of $steps steps ended status=0"
total=$(sed -n 's/^seedboot: .*: ok in \([0-9.]*\) s wall$/\1/p' "$out.silent.stdout")
echo "silent KVM attempt stopped after $waited s, fallback to TCG ok, $total s wall in all"

rc=0
boot "$arch" "$SRC/images/default.toml" "$out/auto" --accel auto >"$out.auto.stdout" || rc=$?
[ $rc -eq 0 ] || { tail -n 20 "$out/auto/console.log" >&2; fail "plain auto: exited $rc"; }
if [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; then
  echo "auto with this host's KVM: $(grep -E 'falling back|ok in' "$out.auto.stdout" | tr '\n' ' ')"
else
  grep -q "^seedboot: --accel auto: /dev/kvm: cannot open read-write: .*; using TCG$" "$out.auto.stdout" ||
    fail "auto without a usable /dev/kvm did not say why it used TCG: $(head -n 3 "$out.auto.stdout")"
  echo "auto without KVM: $(grep -- '--accel auto' "$out.auto.stdout")"
fi
