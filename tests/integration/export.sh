#!/usr/bin/env bash
# export.sh: `seedboot export` on x86_64 runs of the in-place image (tests/images/inplace.toml):
#   1. two runs, booted at different times from differently-touched copies of the spec,
#      export byte-identical OCI layouts (one tar layer per committed layer);
#   2. skopeo reads the layout and copies it (checking every blob's digest), podman loads it; the layers
#      unpacked in order, whiteouts applied, give the tree `seedboot extract --root build` reads;
#   3. bad requests are refused, naming what was wrong, and leave nothing: an existing folder,
#      an unknown root, a layer damaged on the disk.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in skopeo podman; do command -v $t >/dev/null || fail "$t is missing (tools/install-deps.sh installs it)"; done

# 1. Two runs from two copies of the spec, touched differently; one export each.
for n in 1 2; do
  mkdir -p "$tmp/spec$n"
  cp "$SRC/tests/images/inplace.toml" "$tmp/spec$n/"
  touch -d "@$((n * 100000000))" "$tmp/spec$n/inplace.toml"
  boot x86_64 "$tmp/spec$n/inplace.toml" "$tmp/run$n" --no-cache >/dev/null || fail "run $n failed"
  "$SEEDBOOT" export "$tmp/run$n/work.img" --oci "$tmp/oci$n" >"$tmp/export$n.out" ||
    fail "export $n failed: $(cat "$tmp/export$n.out")"
done
grep -qE '^seedboot: exported root build of .*: 4 layer\(s\), [0-9]+ bytes gzip.d, manifest sha256:[0-9a-f]{64}$' "$tmp/export1.out" ||
  fail "export said: $(cat "$tmp/export1.out")"
diff -r "$tmp/oci1" "$tmp/oci2" >&2 || fail "two runs of the same spec exported different layouts"
echo "export: two runs gave byte-identical layouts ($(find "$tmp/oci1" -type f | wc -l) files)"

# 2. skopeo takes it; the layers unpacked give the root the run made.
skopeo inspect "oci:$tmp/oci1" >"$tmp/inspect.json" || fail "skopeo cannot read the layout"
python3 - "$tmp/inspect.json" <<'EOF' || fail "skopeo's view of the image is wrong"
import json, sys
i = json.load(open(sys.argv[1]))
assert i["Architecture"] == "amd64" and i["Os"] == "linux", i
assert len(i["Layers"]) == 4, i["Layers"]
EOF
skopeo copy -q "oci:$tmp/oci1" "dir:$tmp/copied" || fail "skopeo copy refused the layout"
unpack() { python3 "$SRC/tests/integration/oci_unpack.py" "$1" "$2" || fail "could not unpack the layers of $1"; }
unpack "$tmp/oci1" "$tmp/unpacked"
"$SEEDBOOT" extract "$tmp/run1/work.img" --root build -o "$tmp/extracted" >/dev/null || fail "extract --root build failed"
listing() { (cd "$1" && find . -printf '%y %P %l\n' | sort && find . -type f -exec sha256sum {} + | sort -k2); }
listing "$tmp/unpacked" >"$tmp/unpacked.list"
listing "$tmp/extracted" >"$tmp/extracted.list"
diff "$tmp/extracted.list" "$tmp/unpacked.list" >&2 || fail "the unpacked layers are not the root the run made"
grep -q ' out/t/moved/inside ' "$tmp/unpacked.list" && ! grep -q ' out/t/was-file' "$tmp/unpacked.list" ||
  fail "the unpacked root does not show the steps' renames and deletions"
echo "export: skopeo reads and copies it; its layers unpacked are the run's root ($(wc -l <"$tmp/extracted.list") lines)"

# podman loads it (as an oci-archive, into a storage of its own, not the machine's).
tar -C "$tmp/oci1" -cf "$tmp/oci1.tar" .
pod() { podman --root "$tmp/podman/root" --runroot "$tmp/podman/run" --storage-driver vfs "$@"; }
pod load -i "$tmp/oci1.tar" >"$tmp/podman.out" 2>&1 || fail "podman load refused the layout: $(cat "$tmp/podman.out")"
grep -q 'Loaded image: localhost/build:latest' "$tmp/podman.out" || fail "podman load said: $(cat "$tmp/podman.out")"
[ "$(pod image inspect --format '{{len .RootFS.Layers}} {{.Architecture}}' localhost/build:latest)" = "4 amd64" ] ||
  fail "podman sees another image: $(pod image inspect localhost/build:latest | head -40)"
echo "export: podman loads it: 4 layers, amd64"

# The same root squashed into one layer: the same tree, and the same bytes twice.
for n in 1 2; do
  "$SEEDBOOT" export "$tmp/run$n/work.img" --squash --oci "$tmp/squash$n" >"$tmp/squash$n.out" ||
    fail "export --squash failed: $(cat "$tmp/squash$n.out")"
done
grep -q ': 1 layer(s), ' "$tmp/squash1.out" || fail "--squash made: $(cat "$tmp/squash1.out")"
diff -r "$tmp/squash1" "$tmp/squash2" >&2 || fail "two squashed exports differ"
skopeo inspect "oci:$tmp/squash1" | python3 -c 'import json, sys; assert len(json.load(sys.stdin)["Layers"]) == 1' ||
  fail "skopeo does not see one layer"
unpack "$tmp/squash1" "$tmp/unsquashed"
listing "$tmp/unsquashed" | diff "$tmp/extracted.list" - >&2 || fail "the squashed layer is not the run's root"
echo "export: --squash gives one layer of the same root, the same bytes twice"

# 3. Bad requests.
expect_error "--oci $tmp/oci1 exists (expected a new folder to make the layout in)" \
  "$SEEDBOOT" export "$tmp/run1/work.img" --oci "$tmp/oci1"
expect_error "the run has no build root 's-nothing' (its finished steps made: build)" \
  "$SEEDBOOT" export "$tmp/run1/work.img" --root s-nothing --oci "$tmp/none"
start=$(partx -g -o START -n 1 "$tmp/run2/work.img" | tr -d ' ')
fs="$tmp/run2/work.img?offset=$((start * 512))"
echo "not what the step wrote" >"$tmp/poison"
debugfs -w -R "rm /layers/0002/out/t/log" "$fs" >/dev/null 2>&1
debugfs -w -R "write $tmp/poison /layers/0002/out/t/log" "$fs" >"$tmp/debugfs.out" 2>&1
grep -q 'Allocated inode' "$tmp/debugfs.out" || fail "debugfs did not rewrite the file: $(cat "$tmp/debugfs.out")"
expect_error "layer 0002 is damaged: its digest is" "$SEEDBOOT" export "$tmp/run2/work.img" --oci "$tmp/bad"
grep -qF "the journal committed" "$tmp/stderr" && grep -qF "nothing was exported" "$tmp/stderr" ||
  fail "the damaged layer's error does not say what was committed: $(cat "$tmp/stderr")"
[ ! -e "$tmp/bad" ] && [ ! -e "$tmp/bad.partial" ] || fail "a refused export left a folder"
echo "export: an existing folder, an unknown root and a damaged layer refused, nothing left"
