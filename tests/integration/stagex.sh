#!/usr/bin/env bash
# stagex.sh: a StageX-shaped stage 1 in the i386 guest, from a tree this test writes itself
# (no upstream file): it starts from an earlier stage's squashfs (FROM/COPY
# stagex/bootstrap-stage0), takes a live-bootstrap-shaped steps/ folder from a fetched
# tarball, and checks each package pass against its steps/PKG/PKG.x86.checksums.
# - UNTIL needs only the prefix's files; without UNTIL a missing file is refused before
#   boot, named with the package step that needs it.
# - A run passes, its answers matched in the build root; the package root's digest is in
#   /result, and the extracted, packed output is the same bytes on a second run.
# - A wrong upstream checksum fails the pass, naming the output and both hashes.
# - A power cut inside a pass resumes to the same digest.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
probe="$BUILD/guest/i386/tests/guest/sandbox-probe"
[ -x "$probe" ] || fail "$probe: not built (make guests)"

# sha256 of MIB MiB of sandbox-probe's --fill pattern (byte i of each MiB is i % 251).
fill_sha() { python3 -c "import hashlib,sys; print(hashlib.sha256(bytes(i % 251 for i in range(1 << 20)) * int(sys.argv[1])).hexdigest())" "$1"; }

# make_tree DIR FILL_SHA: the StageX-shaped tree, its fetch folder and the stage-0 image.
make_tree() {
  local d=$1 sha_fill=$2
  local lb="$d/src/tools-1/steps"
  mkdir -p "$lb/first-1.0" "$lb/fill-1.0" "$d/src/data" "$d/sx/stagex-fetch/stage1" "$d/s0/bin"
  echo "data" > "$d/src/data/data.txt"
  tar -C "$d/src" --sort=name --mtime=@1 -czf "$d/sx/stagex-fetch/stage1/data-2.tar.gz" data
  echo "https://example.org/data-2.tar.gz $(sha256sum < "$d/sx/stagex-fetch/stage1/data-2.tar.gz" | cut -d' ' -f1)" \
    > "$lb/fill-1.0/sources"
  echo "$(fill_sha 1)  /usr/bin/first" > "$lb/first-1.0/first-1.0.x86.checksums"
  echo "$sha_fill  /usr/bin/fill" > "$lb/fill-1.0/fill-1.0.x86.checksums"
  tar -C "$d/src" --sort=name --mtime=@1 -czf "$d/sx/stagex-fetch/stage1/tools-1.tar.gz" tools-1
  local pkg="$d/sx/stagex/packages/bootstrap/stage1"
  mkdir -p "$pkg"
  cat > "$pkg/package.toml" <<EOF
[package]
name = "stage1"
platforms = ["linux/386"]

[sources.tools]
version = "1"
hash = "$(sha256sum < "$d/sx/stagex-fetch/stage1/tools-1.tar.gz" | cut -d' ' -f1)"
file = "tools-{version}.tar.gz"
mirrors = ["https://example.org/{file}"]

[sources.data]
version = "2"
hash = "$(sha256sum < "$d/sx/stagex-fetch/stage1/data-2.tar.gz" | cut -d' ' -f1)"
file = "data-{version}.tar.gz"
mirrors = ["https://example.org/{file}"]
EOF
  cat > "$pkg/Containerfile" <<'EOF'
FROM scratch AS base
ARG TOOLS_SOURCE
ARG TOOLS_VERSION
COPY --from=stagex/bootstrap-stage0 /bin /usr/bin
FROM base AS sources
ADD fetch/${TOOLS_SOURCE} .
FROM base AS build
COPY --from=fetch . /external/distfiles/
COPY --from=sources tools-${TOOLS_VERSION}/steps /steps
ENV ARCH=x86
ENV pkg=first-1.0
WORKDIR /steps/${pkg}
RUN ["/usr/bin/sandbox-probe", "--fill", "/usr/bin/first", "1"]
ENV pkg=fill-1.0
WORKDIR /steps/${pkg}
RUN ["/usr/bin/sandbox-probe", "--fill", "/usr/bin/fill", "3"]
FROM scratch AS package
COPY --from=build /usr/bin/ /bin/
EOF
  cp "$probe" "$d/s0/bin/sandbox-probe"
  "$SEEDBOOT" pack-dir "$d/s0" -o "$d/stage0.sqfs" >/dev/null
  cat > "$d/stage1.toml" <<'EOF'
[image]
arches = ["i386"]
epoch = 1
work_size = "64M"
boot_timeout = 300

[stagex]
tree = "{sources}/stagex"
stage = 1
fetch = "{sources}/stagex-fetch"
images = { "stagex/bootstrap-stage0" = "stage0.sqfs" }
EOF
}

digest_of() { tr -d '\r' < "$1/console.log" | grep -o "build root s-package: tree digest [0-9a-f]*" | awk '{print $6}'; }

make_tree "$tmp/t" "$(fill_sha 3)"
spec="$tmp/t/stage1.toml"
plan() { "$SEEDBOOT" plan "$spec" --arch i386 --sources "$tmp/t/sx" "$@"; }

# The plan: roots, the stage image, the package passes and their answers.
plan > "$tmp/plan" || fail "seedboot plan: $(cat "$tmp/plan")"
for want in "root s-base" "root s-sources" "root s-build" "root s-package" "digest s-package" \
  "step L4-copy do=copy root=s-base from=image -- /sources/stagex/image/bootstrap-stage0/bin /usr/bin" \
  "step L9-copy do=copy root=s-build from=s-sources -- /tools-1/steps /steps" \
  "answers=/sources/stagex/unpacked/tools-1.tar.gz/tools-1/steps/fill-1.0/fill-1.0.x86.checksums"; do
  grep -qF -- "$want" "$tmp/plan" || fail "the plan lacks '$want'"
done
[ "$(grep -c '^step ' "$tmp/plan")" -eq 13 ] || fail "expected 13 steps: $(grep -c '^step ' "$tmp/plan")"

# A missing file: refused before boot with the step that needs it; UNTIL does not need it.
mv "$tmp/t/sx/stagex-fetch/stage1/data-2.tar.gz" "$tmp/data.tgz"
expect_error "$tmp/t/sx/stagex-fetch/stage1/data-2.tar.gz: missing (needed by step L16-fill-1.0)" \
  boot i386 "$spec" "$tmp/never" --sources "$tmp/t/sx"
[ ! -e "$tmp/never/console.log" ] || fail "a boot started although a fetched file was missing"
plan --until L13-first-1.0 > "$tmp/prefix" || fail "plan --until: $(cat "$tmp/prefix")"
[ "$(grep '^step ' "$tmp/prefix" | tail -1 | cut -d' ' -f2)" = L13-first-1.0 ] || fail "the prefix does not end at L13-first-1.0"
boot i386 "$spec" "$tmp/prefix-run" --sources "$tmp/t/sx" --until L13-first-1.0 ||
  fail "the prefix run failed: $(tail -20 "$tmp/prefix-run/console.log")"
tr -d '\r' < "$tmp/prefix-run/console.log" | grep -q "  s-build:/usr/bin/first  (matches answers)" ||
  fail "the prefix did not check first-1.0 against its checksums"
mv "$tmp/data.tgz" "$tmp/t/sx/stagex-fetch/stage1/data-2.tar.gz"

# A whole run, twice: the same digest and the same packed bytes.
for run in a b; do
  boot i386 "$spec" "$tmp/$run" --sources "$tmp/t/sx" || fail "run $run failed: $(tail -20 "$tmp/$run/console.log")"
  tr -d '\r' < "$tmp/$run/console.log" | grep -q "  s-build:/usr/bin/fill  (matches answers)" ||
    fail "run $run did not check fill-1.0 against its checksums"
  "$SEEDBOOT" extract "$tmp/$run/work.img" --root s-package -o "$tmp/$run-out" >/dev/null || fail "extract $run"
  "$SEEDBOOT" pack-dir "$tmp/$run-out" -o "$tmp/$run.sqfs" >/dev/null
done
[ -n "$(digest_of "$tmp/a")" ] || fail "no tree digest of s-package on the console"
[ "$(digest_of "$tmp/a")" = "$(digest_of "$tmp/b")" ] || fail "two runs gave different digests"
cmp -s "$tmp/a.sqfs" "$tmp/b.sqfs" || fail "two runs packed different bytes"

# A power cut inside the second pass: resumed to the same digest.
rc=0
boot i386 "$spec" "$tmp/cut" --sources "$tmp/t/sx" --power-cut-after "] L16-fill-1.0 start" || rc=$?
[ $rc -eq 5 ] || fail "expected exit 5 (power cut), got $rc"
boot i386 "$spec" "$tmp/cut" --sources "$tmp/t/sx" --resume || fail "resume failed: $(tail -20 "$tmp/cut/console.log")"
tr -d '\r' < "$tmp/cut/console.log" | grep -q "L16-fill-1.0 was cut off or failed, so it starts again from the tree it started on" ||
  fail "the cut-off pass did not start again from its starting tree"
[ "$(digest_of "$tmp/cut")" = "$(digest_of "$tmp/a")" ] || fail "the resumed run has another digest"

# Upstream's checksum disagrees: the pass fails, naming the output and both hashes.
make_tree "$tmp/w" "$(printf '%064d' 0)"
rc=0
boot i386 "$tmp/w/stage1.toml" "$tmp/wrong" --sources "$tmp/w/sx" || rc=$?
[ $rc -ne 0 ] || fail "a pass whose checksum differs from upstream's passed"
tr -d '\r' < "$tmp/wrong/console.log" |
  grep -q "output s-build:/usr/bin/fill: sha256 $(fill_sha 3), answers expect $(printf '%064d' 0)" ||
  fail "the mismatch is not named: $(tail -5 "$tmp/wrong/console.log")"

# The spec does not say where the earlier stage's image is: named before boot.
grep -v '^images = ' "$spec" > "$tmp/t/noimages.toml"
expect_error "noimages.toml: the plan starts from stagex/bootstrap-stage0, which [stagex] images does not name" \
  boot i386 "$tmp/t/noimages.toml" "$tmp/x" --sources "$tmp/t/sx"
# The earlier stage's image is missing: named before boot.
rm "$tmp/t/stage0.sqfs"
expect_error "$tmp/t/stage0.sqfs: an earlier stage's image is missing" boot i386 "$spec" "$tmp/x" --sources "$tmp/t/sx"
echo "stagex-shaped stage 1: plan, UNTIL, answers, same bytes twice, power cut resumed ($(digest_of "$tmp/a"))"
