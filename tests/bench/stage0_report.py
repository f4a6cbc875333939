#!/usr/bin/env python3
"""make bench-stage0's table: one row per arch from the two consoles of tests/bench/stage0.sh.

  stage0_report.py header
  stage0_report.py row ARCH SEEDBOOT_CONSOLE BASELINE_CONSOLE

Every figure is the guest's own clock: the step times each init prints, its "first step
starts at" line, and the kernel's timestamp on "reboot: Power down". Where the difference
goes: before the first step (the PID 1's checks and layout vs the baseline's layout), the
steps themselves (seccomp, the PID namespace and cgroup, the output pump and log vs output
straight to the console), and after and between them (checkpoints, fsyncs, output hashes,
answers, /result vs one sync).
"""
import re
import sys

STEP = re.compile(r"^(?:seedboot|baseline): \[(\d+)/\d+\] (\S+) end status=0 ([0-9.]+) s$")
FIRST = re.compile(r"^(?:seedboot|baseline): first step starts at ([0-9.]+) s since boot")
OFF = re.compile(r"^\[\s*([0-9.]+)\] reboot: Power down")
SHARE = re.compile(r"^seedboot: PID 1 share: (\d+) ms \((.*)\)")


def parse(path):
    steps, first, off, share = [], None, None, ""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if m := STEP.match(line):
                steps.append(float(m.group(3)))
            elif m := FIRST.match(line):
                first = float(m.group(1))
            elif m := OFF.match(line):
                off = float(m.group(1))
            elif m := SHARE.match(line):
                share = f"{m.group(1)} ms: {m.group(2)}"
    if not steps or first is None or off is None:
        sys.exit(f"stage0_report: {path}: no step times, first-step line or power-down line")
    run = sum(steps)
    return {"first": first, "steps": run, "after": off - first - run, "off": off, "share": share,
            "each": steps}


def header():
    print("| arch | steps: PID 1 | steps: baseline | ratio | to power-off: PID 1 | baseline | ratio "
          "| before the first step: PID 1 / baseline | after and between steps: PID 1 / baseline "
          "| each step: PID 1 / baseline | PID 1 share |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")


def row(arch, ours_path, base_path):
    o, b = parse(ours_path), parse(base_path)
    each = ", ".join(f"{x:.2f}/{y:.2f}" for x, y in zip(o["each"], b["each"]))
    print(f"| {arch} | {o['steps']:.2f} s | {b['steps']:.2f} s | {o['steps'] / b['steps']:.3f}x "
          f"| {o['off']:.2f} s | {b['off']:.2f} s | {o['off'] / b['off']:.3f}x "
          f"| {o['first']:.2f} s / {b['first']:.2f} s | {o['after']:.2f} s / {b['after']:.2f} s "
          f"| {each} | {o['share']} |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["header"]:
        header()
    elif len(sys.argv) == 5 and sys.argv[1] == "row":
        row(*sys.argv[2:])
    else:
        sys.exit("usage: stage0_report.py header | row ARCH SEEDBOOT_CONSOLE BASELINE_CONSOLE")
