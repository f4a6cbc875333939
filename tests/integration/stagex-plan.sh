#!/usr/bin/env bash
# stagex-plan.sh: `seedboot plan` on a StageX stage shaped like stage 3 (a tree this test
# writes, no upstream file) prints the plan from StageX's files alone, then `#` lines with
# what it needs: each fetched file, the step that first needs it and whether the fetch
# folder has it right, and the earlier stage's image. pack still refuses what is missing;
# arm64 is refused naming where each stage runs. No QEMU, no download.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

stage=$tmp/sx/stagex/packages/bootstrap/stage3
fetched=$tmp/sx/stagex-fetch/stage3
mkdir -p "$stage" "$fetched" "$tmp/images"
# Real archives: the builder reads a right one (live-bootstrap's steps/ lists, if any).
archive() { mkdir -p "$tmp/src/$1" && echo "$1" >"$tmp/src/$1/README" && tar -C "$tmp/src" -czf "$2" "$1"; }
archive tools-4.4 "$fetched/tools-4.4.tar.gz"
sha() { sha256sum "$1" | cut -d' ' -f1; }
other_sha=$(printf '%064d' 0)
cat >"$stage/package.toml" <<TOML
[package]
name = "stage3"

[sources.tools]
version = "4.4"
hash = "$(sha "$fetched/tools-4.4.tar.gz")"
file = "tools-{version}.tar.gz"
mirrors = ["https://example.org/{file}"]

[sources.kit]
version = "1.2"
hash = "$other_sha"
file = "kit-{version}.tar.gz"
mirrors = ["https://example.org/{file}"]
TOML
cat >"$stage/Containerfile" <<'CF'
FROM --platform=linux/386 stagex/bootstrap-stage2 AS base
ARG TARGETARCH
WORKDIR /rootfs/
RUN --network=none <<-EOF
	install -d usr/bin
	echo $TARGETARCH > arch
EOF
FROM base AS tools
ARG TOOLS_VERSION
ADD fetch/tools-${TOOLS_VERSION}.tar.gz /
RUN make -C /tools-${TOOLS_VERSION}
FROM scratch AS kit
COPY --from=tools /rootfs/ /
ARG KIT_VERSION
ADD fetch/kit-${KIT_VERSION}.tar.gz /
RUN make
FROM base AS back
COPY --from=kit /rootfs/ /
FROM scratch AS package
COPY --from=back /rootfs/ /
CF
cat >"$tmp/images/s3.toml" <<'TOML'
[image]
arches = ["x86_64", "aarch64"]

[stagex]
tree = "{sources}/stagex"
stage = 3
fetch = "{sources}/stagex-fetch"
images = { "stagex/bootstrap-stage2" = "s2.sqfs" }
TOML

plan() {
  "$SEEDBOOT" plan "$tmp/images/s3.toml" --arch x86_64 --sources "$tmp/sx" >"$tmp/plan" 2>"$tmp/err" ||
    fail "plan x86_64: $(cat "$tmp/err")"
  [ ! -s "$tmp/err" ] || fail "plan wrote to stderr: $(cat "$tmp/err")"
}
want() { grep -qxF -- "$1" "$tmp/plan" || fail "the plan has no line '$1':
$(cat "$tmp/plan")"; }
plan
want "arch x86_64"
want "# build stages, in the x86_64 guest: s-base (linux/386), s-tools (linux/386), s-kit (linux/amd64), s-back (linux/386), s-package (linux/amd64)"
want "# needs, beyond StageX's files:"
want "#   fetched tools-4.4.tar.gz, first by step L10-add: ok"
want "#   fetched kit-1.2.tar.gz, first by step L15-add: missing ($fetched/kit-1.2.tar.gz)"
want "#   image stagex/bootstrap-stage2 (our StageX stage 2's output), first by step L1-from-base: missing ($tmp/images/s2.sqfs)"
want "# 2 fetched file(s): 1 present and right, 1 missing or wrong in $tmp/sx/stagex-fetch (pack and boot refuse the plan until \`make sources STAGE=3 SOURCES=DIR\` fetched them)"
want "# 1 earlier stage image(s)"
grep -qF "TARGETARCH=amd64" "$tmp/plan" || fail "TARGETARCH is not amd64 for --arch x86_64"

# Other bytes are named with both digests.
printf 'not kit' >"$fetched/kit-1.2.tar.gz"
plan
want "#   fetched kit-1.2.tar.gz, first by step L15-add: sha256 $(sha "$fetched/kit-1.2.tar.gz") (7 bytes), expected $other_sha ($fetched/kit-1.2.tar.gz)"

# Every file fetched right and the earlier stage's image made: nothing missing.
archive kit-1.2 "$fetched/kit-1.2.tar.gz"
sed -i "s/$other_sha/$(sha "$fetched/kit-1.2.tar.gz")/" "$stage/package.toml"
printf 'image' >"$tmp/images/s2.sqfs"
plan
want "# 2 fetched file(s): 2 present and right, 0 missing or wrong in $tmp/sx/stagex-fetch"
want "#   image stagex/bootstrap-stage2 (our StageX stage 2's output), first by step L1-from-base: ok ($tmp/images/s2.sqfs)"

# pack still refuses a missing file, before anything is packed.
rm "$fetched/kit-1.2.tar.gz"
expect_error "1 fetched file(s) the plan needs are missing or wrong:" \
  "$SEEDBOOT" pack "$tmp/images/s3.toml" --arch x86_64 --sources "$tmp/sx" --init "$(init_of x86_64)" \
  --build-dir "$tmp/build" -o "$tmp/r.sqfs"
[ ! -e "$tmp/r.sqfs" ] || fail "a refused pack left an image"

# arm64: the 386 stages and the native ones send files both ways; refused, naming them.
expect_error "its stages run on linux/386 (base, tools, back), linux/arm64 (kit, package): no one guest runs them all (seedboot boots one guest per plan; i386 runs linux/386, x86_64 runs linux/386 and linux/amd64, aarch64 runs linux/arm64); nor would guests run one after another: linux/386 stage back takes files from linux/arm64 stage kit, which is built from linux/386 stage tools" \
  "$SEEDBOOT" plan "$tmp/images/s3.toml" --arch aarch64 --sources "$tmp/sx"
# No tree: named, with where to get it.
expect_error "$tmp/none/stagex: StageX tree not found" \
  "$SEEDBOOT" plan "$tmp/images/s3.toml" --arch x86_64 --sources "$tmp/none"
echo "stagex-plan: ok"
