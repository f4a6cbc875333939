#!/usr/bin/env bash
# cache.sh: the layer cache (init/layers/layer_cache.hpp) on x86_64, with the in-place
# image (tests/images/inplace.toml), one cache disk for every run:
#   1. a first run stores every step's layer;
#   2. the same spec in a fresh run: every step is taken from the cache, none runs,
#      the results (outputs, tree digest) are the first run's;
#   3. the last step's definition changed (its cwd): the steps before it are cached, it runs;
#      the middle step changed instead: it runs, and as its layer comes out the same bytes,
#      the last step (keyed by the tree it starts from, not by history) is cached;
#   3b. a source the steps can read changed: every step runs; changed back: all cached;
#   4. a cache entry damaged on the disk (a file of its layer rewritten with debugfs): named,
#      dropped, its step runs, the results are the first run's;
#   5. --no-cache: no cache disk, every step runs.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec=$SRC/tests/images/inplace.toml
cache=$tmp/cache.img
console() { tr -d '\r' <"$1/console.log"; }
results() {
  console "$1" | grep -E '^seedboot: (output [0-9a-f]{64}  |build root build: tree digest )' |
    sed 's/ (matches answers)//; s/ (.*entries.*)$//' | sort -u
}
run() { # run OUT SPEC [args]: boot, expect ok
  local out=$1 s=$2 rc=0
  shift 2
  boot x86_64 "$s" "$out" "$@" >/dev/null 2>&1 || rc=$?
  [ $rc -eq 0 ] || { console "$out" | tail -20 >&2; fail "$out: exited $rc"; }
}
ran() { console "$1" | grep -oE '^seedboot: \[[0-9]/3\] [a-z]+ start$' | awk '{print $3}' | tr '\n' ' '; }
cached() { console "$1" | grep -oE '^seedboot: \[[0-9]/3\] [a-z]+ cached ' | awk '{print $3}' | tr '\n' ' '; }
expect() { # expect OUT RAN CACHED
  [ "$(ran "$1")" = "$2" ] || fail "$1: steps that ran: '$(ran "$1")', expected '$2'"
  [ "$(cached "$1")" = "$3" ] || fail "$1: steps taken from the cache: '$(cached "$1")', expected '$3'"
  results "$1" | diff "$tmp/first.results" - >&2 || fail "$1: other results than the first run"
}

# 1. A first run: every step runs, and the cache holds its layers.
run "$tmp/first" "$spec" --cache "$cache"
results "$tmp/first" >"$tmp/first.results"
grep -q 'tree digest' "$tmp/first.results" || fail "the first run printed no tree digest"
expect "$tmp/first" "seed change again " ""
console "$tmp/first" | grep -q '^seedboot: layer cache: /dev/vd[a-z]1, 0 entries' || fail "1: the cache was not empty and mounted"

# 2. The same spec in a fresh run: nothing runs.
run "$tmp/second" "$spec" --cache "$cache"
expect "$tmp/second" "" "seed change again "
echo "cache: an unchanged spec took all 3 steps from the cache, results identical"

# 3. The last step changed (its folder: the same results, another definition).
sed 's|^run = \["/sources/inplace-step", "again", "/out/t"\]$|&\ncwd = "/out"|' "$spec" >"$tmp/changed.toml"
grep -q '^cwd = "/out"$' "$tmp/changed.toml" || fail "could not change the spec"
run "$tmp/third" "$tmp/changed.toml" --cache "$cache"
expect "$tmp/third" "again " "seed change "
echo "cache: a changed last step ran, the 2 steps before it came from the cache"
sed 's|^run = \["/sources/inplace-step", "change", "/out/t"\]$|&\ncwd = "/out"|' "$spec" >"$tmp/middle.toml"
grep -q '^cwd = "/out"$' "$tmp/middle.toml" || fail "could not change the spec's middle step"
run "$tmp/middle" "$tmp/middle.toml" --cache "$cache"
expect "$tmp/middle" "change " "seed again "
echo "cache: a changed middle step ran; it made the same layer, so the step after it was cached"

# 3b. A source every step can read (/sources is bound into each): its bytes are in each key.
cp "$spec" "$tmp/note.toml"
printf '\n[[source]]\nname = "note"\npath = "%s"\n' "$tmp/note" >>"$tmp/note.toml"
echo one >"$tmp/note"
run "$tmp/note1" "$tmp/note.toml" --cache "$cache"
expect "$tmp/note1" "seed change again " ""
echo two >"$tmp/note"
run "$tmp/note2" "$tmp/note.toml" --cache "$cache"
expect "$tmp/note2" "seed change again " ""
echo one >"$tmp/note"
run "$tmp/note3" "$tmp/note.toml" --cache "$cache"
expect "$tmp/note3" "" "seed change again "
echo "cache: a changed source reran every step; its first bytes again took every step from the cache"

# 4. Damage the cached layer of step 'change': one of its files rewritten on the cache disk.
key=$(console "$tmp/second" | sed -nE 's/^seedboot: \[2\/3\] change cached .* key ([0-9a-f]{16})\)$/\1/p')
[ -n "$key" ] || fail "4: no cache key for step change"
start=$(partx -g -o START -n 1 "$cache" | tr -d ' ')
fs="$cache?offset=$((start * 512))"
entry=$(debugfs -R "ls /entries" "$fs" 2>/dev/null | tr -s ' ' '\n' | grep "^$key" | head -1)
[ -n "$entry" ] || fail "4: no cache entry $key... on the disk"
echo "not what the step wrote" >"$tmp/poison"
debugfs -w -R "rm /entries/$entry/layer/out/t/log" "$fs" >/dev/null 2>&1
debugfs -w -R "write $tmp/poison /entries/$entry/layer/out/t/log" "$fs" >"$tmp/debugfs.out" 2>&1
grep -q 'Allocated inode' "$tmp/debugfs.out" || fail "4: debugfs did not rewrite the file: $(cat "$tmp/debugfs.out")"
run "$tmp/fourth" "$spec" --cache "$cache"
console "$tmp/fourth" | grep -qE "^seedboot: layer cache: entry $entry is damaged: its layer's digest is [0-9a-f]{64} \([0-9]+ entries\), it was stored as [0-9a-f]{64} \([0-9]+\): dropped, the step runs$" ||
  fail "4: the damaged entry was not named: $(console "$tmp/fourth" | grep 'layer cache')"
expect "$tmp/fourth" "change " "seed again "
echo "cache: a damaged entry was named and dropped, its step ran, results identical"

# 5. No cache at all.
run "$tmp/fifth" "$spec" --no-cache
console "$tmp/fifth" | grep -q '^seedboot: layer cache: none' || fail "5: the console does not say there is no cache"
expect "$tmp/fifth" "seed change again " ""
echo "cache: --no-cache ran every step"
