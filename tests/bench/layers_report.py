#!/usr/bin/env python3
"""make bench-layers's tables, from the consoles tests/bench/layers.sh leaves in OUT.

  layers_report.py OUT ARCH...

Every figure is the guest's own clock: the PID 1's "layer NNNN: ... (K KiB, setup X ms,
commit Y ms)" and "[i/n] NAME end status=0 S s" lines, and tree-work's own "tree-work: ...: S s"
lines (which both inits print). Compile figures are medians over the repetitions, with the
range beside them.
"""
import glob
import re
import statistics
import sys

LAYER = re.compile(r"^seedboot: layer (\d{4}): (\d+) entries, [0-9a-f]{64} "
                   r"\((\d+) KiB, setup ([0-9.]+) ms, commit ([0-9.]+) ms\)$")
END = re.compile(r"^seedboot: \[(\d+)/\d+\] (\S+) end status=0 ([0-9.]+) s")
WORK = re.compile(r"tree-work: (\w+) .*: ([0-9.]+) s$")
SIZES = (1000, 10000, 100000)


def lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [line.rstrip("\n") for line in f]


def layers(path):
    """{index: (entries, KiB, setup ms, commit ms)} of every layer line of a console."""
    out = {}
    for line in lines(path):
        if m := LAYER.match(line):
            out[int(m.group(1))] = tuple(float(g) for g in m.groups()[1:])
    return out


def ends(path):
    """{step index: seconds} of every step that ended with status 0."""
    return {int(m.group(1)): float(m.group(3)) for l in lines(path) if (m := END.match(l))}


def work(path, mode):
    """tree-work's own time for MODE, one per step that ran it, in order."""
    return [float(m.group(2)) for l in lines(path) if (m := WORK.search(l)) and m.group(1) == mode]


def need(table, key, what):
    if key not in table:
        sys.exit(f"layers_report: {what}: no such line on the console")
    return table[key]


def sizes(out, arch):
    print(f"\n{arch}: a step that appends to one file, against the root's size\n")
    print("| root | setup | commit | its layer | peer: lstat the whole root | "
          "committing the fill step's layer |")
    print("| --- | --- | --- | --- | --- | --- |")
    for n in SIZES:
        c = f"{out}/{arch}-size-{n}/console.txt"
        ls = layers(c)
        fill, touch = need(ls, 1, f"{c} layer 0001"), need(ls, 2, f"{c} layer 0002")
        walk = work(c, "walk")
        if not walk:
            sys.exit(f"layers_report: {c}: no tree-work walk line")
        print(f"| {n:,} files | {touch[2]:.1f} ms | {touch[3]:.1f} ms | {touch[0]:.0f} entries, "
              f"{touch[1]:.0f} KiB | {walk[0] * 1000:.0f} ms | {fill[3]:.0f} ms "
              f"({fill[0]:,.0f} entries, {fill[1]:,.0f} KiB) |")


def from_root(out, arch):
    c = f"{out}/{arch}-from/console.txt"
    ls, es = layers(c), ends(c)
    copy = need(ls, 7, f"{c} layer 0007")
    print(f"\n{arch}: FROM for a 10,000-file root (10,101 entries)\n")
    print("| what | time | new disk in layers |")
    print("| --- | --- | --- |")
    print(f"| `FROM base AS shared` (its layers shared) | {need(es, 4, c + ' step 4') * 1000:.0f} ms "
          f"| 0 KiB |")
    print(f"| peer: `FROM scratch` + `COPY --from=base / /` (a full copy, FROM before layers) | "
          f"{(need(es, 7, c + ' step 7') + (copy[2] + copy[3]) / 1000) * 1000:.0f} ms "
          f"(copy {need(es, 7, c) * 1000:.0f}, commit {copy[3]:.0f}) | {copy[1]:,.0f} KiB |")


def spread(values):
    return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def compile_runs(out, arch, who, index):
    paths = sorted(glob.glob(f"{out}/{arch}-compile-{who}-*/console.txt"))
    got = [work(p, "compile") for p in paths]
    if not paths or any(len(g) != 2 for g in got):
        sys.exit(f"layers_report: {out}/{arch}-compile-{who}-*: expected two compile lines each")
    return [g[index] for g in got]


def compiles(out, arch):
    print(f"\n{arch}: the same compile stand-in, layered root vs a plain folder "
          f"(median of {len(glob.glob(f'{out}/{arch}-compile-plain-*'))}, range)\n")
    print("| step | layered (seedboot's PID 1) | plain folder (baseline init) | ratio |")
    print("| --- | --- | --- | --- |")
    for index, what in enumerate(("2,000 sources, 64 passes (lookup-bound)",
                                  "300 sources, 1,024 passes (a compile's CPU share)")):
        ours, plain = compile_runs(out, arch, "layered", index), compile_runs(out, arch, "plain", index)
        ratio = statistics.median(ours) / statistics.median(plain)
        print(f"| {what} | {spread(ours)} | {spread(plain)} | {ratio:.3f}x |")


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: layers_report.py OUT ARCH...")
    for arch in sys.argv[2:]:
        sizes(sys.argv[1], arch)
        from_root(sys.argv[1], arch)
        compiles(sys.argv[1], arch)


if __name__ == "__main__":
    main()
