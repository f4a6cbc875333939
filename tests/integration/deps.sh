#!/usr/bin/env bash
# deps.sh: tools/install-deps.sh on a registry that fails. Every package index failing to
# download (a mirror mid-sync) is retried, then the install goes on with what it has (here: everything is
# installed already); a package no index offers is named, with a non-zero exit. apt works
# on a private list folder and sources list: the machine's own state is not touched.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "deps.sh: needs root (apt-get), skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/parts" "$tmp/lists/partial" "$tmp/repo/dists/x/main/binary-i386"
# A mirror caught mid-sync: its Release names a Packages index of another size than the
# one it serves ("File has unexpected size", apt-get update exits 100).
: >"$tmp/repo/dists/x/main/binary-i386/Packages"
printf '%s\n' "Origin: seedboot-test" "Suite: x" "Codename: x" "Architectures: i386" "Components: main" \
  "Date: Thu, 01 Jan 2026 00:00:00 UTC" "SHA256:" \
  " e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 123 main/binary-i386/Packages" \
  >"$tmp/repo/dists/x/Release"
echo "deb [arch=i386 trusted=yes] file:$tmp/repo x main" >"$tmp/parts/mid-sync.list"
export SEEDBOOT_APT_OPTS="-o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts=$tmp/parts -o Dir::State::Lists=$tmp/lists -o Acquire::Retries=0"
export SEEDBOOT_FORCE_UPDATE=1 SEEDBOOT_APT_RETRY_PAUSE=0

"$SRC/tools/install-deps.sh" >"$tmp/out" 2>&1 || fail "install-deps stopped on a failed index: $(cat "$tmp/out")"
grep -qF "install-deps: apt-get update failed (attempt 3 of 3)" "$tmp/out" || fail "no retries: $(cat "$tmp/out")"
grep -qF "install-deps: going on with the package indexes that did download; these did not:" "$tmp/out" ||
  fail "the failed index is not reported: $(cat "$tmp/out")"
grep -qF "$tmp/repo/dists/x/main/binary-i386/Packages  Hash Sum mismatch" "$tmp/out" ||
  fail "the failed index is not named: $(cat "$tmp/out")"

rc=0
SEEDBOOT_EXTRA_PACKAGES=seedboot-no-such-package "$SRC/tools/install-deps.sh" >"$tmp/out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "install-deps succeeded without a package it needs"
grep -qF "install-deps: cannot install seedboot-no-such-package: no package index offers it" "$tmp/out" ||
  fail "the missing package is not named: $(cat "$tmp/out")"
echo "deps.sh: a failed index is retried and passed over; a package nobody offers is named"
