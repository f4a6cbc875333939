#!/usr/bin/env python3
"""make bench-cpus's table: one row per arch and workload from two consoles of tests/bench/cpus.sh.

  cpus_report.py header HOST_CORES
  cpus_report.py row ARCH WORKLOAD HOST_CORES OUT_DIR

OUT_DIR holds one folder per boot, ARCH-WORKLOAD-CPUS-REP/console.txt. Every figure is the
guest's own clock (the PID 1's step times and the kernel's timestamp on "reboot: Power
down"), as the median over the repetitions with the range beside it; the ratio is the
medians'. The CPUs each guest really had come from the PID 1's "N CPU(s) online", so a
kernel that ignored -smp shows as such instead of as "no gain".
"""
import glob
import re
import statistics
import sys

from stage0_report import parse

ONLINE = re.compile(r"seedboot: PID 1 up at [0-9.]+ s since boot, (\d+) CPU\(s\) online")
WHAT = {"parallel": "make -jN stand-in", "stage0": "stage0-posix"}


def online(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if m := ONLINE.search(line):
                return int(m.group(1))
    sys.exit(f"cpus_report: {path}: no 'PID 1 up ... CPU(s) online' line")


def header(host):
    print(f"| arch | workload | steps: 1 CPU | steps: {host} CPUs | {host} vs 1 "
          f"| to power-off: 1 CPU | to power-off: {host} CPUs | CPUs online (1 / {host}) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")


def runs(out, arch, workload, cpus):
    paths = sorted(glob.glob(f"{out}/{arch}-{workload}-{cpus}-*/console.txt"))
    if not paths:
        sys.exit(f"cpus_report: no {out}/{arch}-{workload}-{cpus}-*/console.txt")
    return [parse(p) for p in paths], sorted({online(p) for p in paths})


def spread(values):
    return f"{statistics.median(values):.2f} s ({min(values):.2f} – {max(values):.2f})"


def row(arch, workload, host, out):
    one, one_online = runs(out, arch, workload, 1)
    many, many_online = runs(out, arch, workload, host)
    steps1, steps_n = [r["steps"] for r in one], [r["steps"] for r in many]
    ratio = statistics.median(steps_n) / statistics.median(steps1)
    print(f"| {arch} | {WHAT.get(workload, workload)} ({len(one)} + {len(many)} boots) "
          f"| {spread(steps1)} | {spread(steps_n)} | {ratio:.3f}x "
          f"| {spread([r['off'] for r in one])} | {spread([r['off'] for r in many])} "
          f"| {'/'.join(map(str, one_online))} / {'/'.join(map(str, many_online))} |")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "header":
        header(sys.argv[2])
    elif len(sys.argv) == 6 and sys.argv[1] == "row":
        row(*sys.argv[2:])
    else:
        sys.exit("usage: cpus_report.py header HOST_CORES | row ARCH WORKLOAD HOST_CORES OUT_DIR")
