#!/usr/bin/env bash
# compare_stagex.sh: make compare-stagex's inputs (the full comparison needs StageX's files,
# which the user supplies; docs/stagex.md "StageX's own container build, side by side" has its figures).
#   - the here-document rewriter gives BuildKit's bytes for COPY <<-EOF (tabs stripped, one
#     newline per line) and <<"EOF" (kept as written), and refuses what it cannot reproduce;
#   - compare-stagex.sh refuses a stage it cannot compare, a missing StageX tree or fetch
#     folder, and files seedboot's check refuses, each with exit 1 and a message naming it,
#     before anything is installed or registered; make without SOURCES says what to set.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hd=$SRC/tools/containerfile-heredocs.py

mkdir -p "$tmp/ctx"
printf 'FROM scratch\nCOPY <<-EOF /a.sh\n\t./one\n\t\t./two\n  ./three\n\tEOF\nCOPY --chmod=0755 <<"END" b\n\tkeep $X\nEND\nRUN ["/a.sh"]\n' >"$tmp/ctx/Containerfile"
python3 "$hd" "$tmp/ctx/Containerfile" "$tmp/ctx" >"$tmp/log" || fail "rewriter: $(cat "$tmp/log")"
printf './one\n./two\n  ./three\n' | cmp - "$tmp/ctx/heredoc-1" || fail "COPY <<-EOF: not BuildKit's bytes"
printf '\tkeep $X\n' | cmp - "$tmp/ctx/heredoc-2" || fail "COPY <<\"END\": not kept as written"
printf 'FROM scratch\nCOPY heredoc-1 /a.sh\nCOPY --chmod=0755 heredoc-2 b\nRUN ["/a.sh"]\n' |
  cmp - "$tmp/ctx/Containerfile" || fail "the rewritten Containerfile: $(cat "$tmp/ctx/Containerfile")"
[ "$(grep -c 'went into the context as heredoc-' "$tmp/log")" = 2 ] || fail "no deviation line per here-document"

printf 'COPY <<EOF x\nno end\n' >"$tmp/c1"
expect_error "$tmp/c1:1: the here-document EOF is never closed (expected a line 'EOF')" python3 "$hd" "$tmp/c1" "$tmp"
printf 'COPY <<EOF x\n$HOME\nEOF\n' >"$tmp/c2"
expect_error "$tmp/c2:1: the here-document EOF has a '\$' that BuildKit would expand" python3 "$hd" "$tmp/c2" "$tmp"
printf 'RUN cat <<EOF >x\nhi\nEOF\n' >"$tmp/c3"
expect_error "$tmp/c3:1: a here-document outside COPY/ADD" python3 "$hd" "$tmp/c3" "$tmp"

cmp_stagex() { SEEDBOOT=$SEEDBOOT INIT=$(init_of i386) KERNEL=$(kernel_of i386) "$SRC/tools/compare-stagex.sh" "$@"; }
expect_error "STAGE=1: only stage 0 can be compared (expected STAGE=0" cmp_stagex "$tmp/src" 1 "$tmp/build"
expect_error "$tmp/src/stagex/packages/bootstrap/stage0/Containerfile: not found (expected the StageX tree in SOURCES/stagex" \
  cmp_stagex "$tmp/src" 0 "$tmp/build"
mkdir -p "$tmp/src/stagex/packages/bootstrap/stage0"
touch "$tmp/src/stagex/packages/bootstrap/stage0/"{Containerfile,package.toml}
expect_error "$tmp/src/stagex-fetch/stage0: not found (expected StageX's fetched sources" cmp_stagex "$tmp/src" 0 "$tmp/build"
# A StageX tree seedboot cannot read is refused before either build starts (an empty
# package.toml, a tree that is not the locked one; a wrong fetched file the same way, through seedboot pack's check).
mkdir -p "$tmp/src/stagex-fetch/stage0"
expect_error "compare-stagex: error: the files in $tmp/src are not the locked StageX tree and the files its package.toml locks" \
  cmp_stagex "$tmp/src" 0 "$tmp/build"
grep -q 'package.toml' "$tmp/stderr" || fail "the refusal does not name package.toml: $(cat "$tmp/stderr")"
[ ! -e /proc/sys/fs/binfmt_misc/seedboot-compare-i386 ] || fail "a refused run left its binfmt_misc entry"
expect_error "make compare-stagex: set SOURCES=folder" make -s -C "$SRC" compare-stagex BUILD="$BUILD"
echo "compare-stagex inputs: ok"
