#!/usr/bin/env python3
"""Helpers for tests/bench/bench.sh.

    report.py console STAMPED_LOG     key=value figures from one boot's console, where each
                                      line is "<host epoch seconds> <console line>"
    report.py table RAW META          the results table (markdown) from bench.sh's raw.tsv
                                      (key, run, value) and meta.tsv (key, value)

Every comparison is ours / peer for the same repetition (the packers, the two
mke2fs calls, ... run one after the other inside each repetition, so that both
see the same load), summarised as the median of the per-run ratios with their
min and max. Throughput rows (hashing) invert it: peer time / our time.
"""
import re
import statistics
import sys


# ---------------------------------------------------------------------------
# console figures


def console_figures(path):
    pid1 = first_step = result = None
    t_pid1 = t_first = t_result = t_manifest = None
    poweroff = None
    steps = 0.0
    nsteps = 0
    guest_first = out_share = None
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace").replace("\r", "").rstrip("\n")
            stamp, _, text = line.partition(" ")
            try:
                t = float(stamp)
            except ValueError:
                continue
            m = re.search(r"PID 1 up at ([0-9.]+) s since boot", text)
            if m and pid1 is None:
                pid1, t_pid1 = float(m.group(1)), t
            m = re.search(r"(?:minimal: first step at|first step starts at) ([0-9.]+) s since boot",
                          text)
            if m:
                guest_first = float(m.group(1))
            m = re.search(r"PID 1 share: (\d+) ms", text)
            if m:
                out_share = int(m.group(1)) / 1000.0
            if t_manifest is None and re.search(r"manifest: .* verified", text):
                t_manifest = t
            if t_first is None and re.search(r"\[1/\d+\] \S+ start$", text):
                t_first = t
            m = re.search(r"\] \S+ end status=\d+ ([0-9.]+) s$", text)
            if m:
                steps += float(m.group(1))
                nsteps += 1
            if "SEEDBOOT-RESULT:" in text and t_result is None:
                t_result = t
                result = text[text.index("SEEDBOOT-RESULT:") + 16:].strip()
            m = re.search(r"\[\s*([0-9.]+)\] reboot: Power down", text)
            if m:
                poweroff = float(m.group(1))
    out = {}
    if out_share is not None:  # mount, plan, manifest, seeds, work disk, layout
        out["pid1_share"] = out_share
    if pid1 is not None:
        out["pid1"] = pid1
    if guest_first is not None:  # the PID 1's own "first step starts at X s since boot"
        out["first_step"] = guest_first
    elif pid1 is not None and t_first is not None:
        # A PID 1 that does not print it: the host clock's distance from the
        # "PID 1 up" line, added to the guest's PID 1 time (TCG's guest clock
        # runs at host speed).
        out["first_step"] = pid1 + (t_first - t_pid1)
        out["first_step_estimated"] = "yes"
    if pid1 is not None and t_manifest is not None:
        out["manifest"] = pid1 + (t_manifest - t_pid1)
    if pid1 is not None and t_result is not None:
        out["to_result"] = pid1 + (t_result - t_pid1)
    if poweroff is not None:
        out["poweroff"] = poweroff
    if nsteps:
        out["steps"] = steps
    out["result"] = result or "none"
    for k, v in out.items():
        print("%s=%s" % (k, ("%.3f" % v) if isinstance(v, float) else v))
    return 0


# ---------------------------------------------------------------------------
# the table


def load_raw(path):
    raw = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            key, run, value = parts
            raw.setdefault(key, {})[run] = value
    return raw


def load_meta(path):
    meta = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            meta[key] = value
    return meta


def numbers(raw, key):
    out = {}
    for run, v in raw.get(key, {}).items():
        try:
            out[run] = float(v)
        except ValueError:
            pass
    return out


def fmt(v, unit):
    if unit == "s":
        return "%.3f s" % v if v < 1 else "%.2f s" % v
    if unit == "MB":  # input in bytes
        return "%.2f MB" % (v / 1e6)
    if unit == "MiB-rss":  # input in KiB (GNU time %M)
        return "%.1f MiB" % (v / 1024)
    return "%g" % v


def summary(vals, unit):
    if not vals:
        return "n/a"
    xs = sorted(vals.values())
    med = statistics.median(xs)
    if len(xs) == 1:
        return fmt(med, unit)
    return "%s (%s – %s)" % (fmt(med, unit), fmt(xs[0], unit).split()[0], fmt(xs[-1], unit))


def check(value, goal):
    if goal is None or value is None:
        return "—"
    op, limit = goal
    ok = value <= limit if op == "<=" else value >= limit
    return "yes" if ok else "**no**"


def goal_text(goal, unit=""):
    if goal is None:
        return "—"
    op, limit = goal
    sign = "≤" if op == "<=" else "≥"
    return "%s %g%s" % (sign, limit, unit)


def ratio_row(raw, r):
    ours, peer = numbers(raw, r["ours"]), numbers(raw, r["peer"])
    pairs = []
    for run in sorted(set(ours) & set(peer)):
        a, b = ours[run], peer[run]
        if r.get("inverse"):
            a, b = b, a
        if b > 0:
            pairs.append(a / b)
    digits = r.get("digits", 2)
    if pairs:
        med = statistics.median(pairs)
        ratio = "%.*fx (%.*f – %.*f)" % (digits, med, digits, min(pairs), digits, max(pairs))
    else:
        med, ratio = None, "n/a"
    return [r["what"], summary(ours, r["unit"]), "%s: %s" % (r["peer_name"], summary(peer, r["unit"])),
            ratio, goal_text(r.get("goal"), "x"), check(med, r.get("goal"))]


def absolute_row(raw, r):
    ours = numbers(raw, r["ours"])
    med = statistics.median(ours.values()) if ours else None
    goal = r.get("goal")
    if goal and r["unit"] == "MiB-rss" and med is not None:
        med = med / 1024
    peer = "—"
    ratio = "—"
    if r.get("peer"):
        p = numbers(raw, r["peer"])
        peer = "%s: %s" % (r["peer_name"], summary(p, r["unit"]))
        pairs = [ours[k] / p[k] for k in sorted(set(ours) & set(p)) if p[k] > 0]
        if pairs:
            ratio = "%.2fx (%.2f – %.2f)" % (statistics.median(pairs), min(pairs), max(pairs))
    unit = " MiB" if r["unit"] == "MiB-rss" else " s" if r["unit"] == "s" else ""
    what = r["what"]
    if r.get("estimated") in raw:
        what += " (estimated: host clock since PID 1 up)"
    return [what, summary(ours, r["unit"]), peer, ratio, goal_text(goal, unit), check(med, goal)]


def identical_row(raw, r):
    cells = []
    for name, key in r["tools"]:
        shas = raw.get(key, {})
        if not shas:
            cells.append("%s: n/a" % name)
        else:
            same = len(set(shas.values())) == 1
            cells.append("%s: %s (%d runs)" % (name, "yes" if same else "**no**", len(shas)))
    ours_ok = len(set(raw.get(r["tools"][0][1], {}).values())) == 1
    return [r["what"], cells[0], "; ".join(cells[1:]), "—", "identical", "yes" if ours_ok else "**no**"]


ARCHES = ("x86_64", "i386", "aarch64")


def rows():
    R = []
    R.append(("1. Root image packing (%(tree)s)", None))
    R.append(("ratio", dict(what="wall time", ours="pack.seedboot.time", peer="pack.gensquashfs.time",
                            peer_name="gensquashfs", unit="s", goal=("<=", 0.9))))
    R.append(("ratio", dict(what="wall time", ours="pack.seedboot.time", peer="pack.mksquashfs.time",
                            peer_name="mksquashfs", unit="s")))
    R.append(("ratio", dict(what="image size", ours="pack.seedboot.size", peer="pack.gensquashfs.size",
                            peer_name="gensquashfs", unit="MB", goal=("<=", 1.0), digits=5)))
    R.append(("ratio", dict(what="image size", ours="pack.seedboot.size", peer="pack.mksquashfs.size",
                            peer_name="mksquashfs", unit="MB", digits=5)))
    R.append(("absolute", dict(what="peak RSS", ours="pack.seedboot.rss", peer="pack.gensquashfs.rss",
                               peer_name="gensquashfs", unit="MiB-rss", goal=("<=", 32))))
    R.append(("absolute", dict(what="peak RSS", ours="pack.seedboot.rss", peer="pack.mksquashfs.rss",
                               peer_name="mksquashfs", unit="MiB-rss")))
    R.append(("identical", dict(what="byte-identical runs", tools=[
        ("seedboot", "pack.seedboot.sha"), ("gensquashfs", "pack.gensquashfs.sha"),
        ("mksquashfs", "pack.mksquashfs.sha")])))
    R.append(("2. Incremental repack (one file of the tree changed, block cache of the tree before)",
              None))
    R.append(("ratio", dict(what="repack wall time", ours="pack.incremental.time",
                            peer="pack.seedboot.time", peer_name="full pack", unit="s",
                            goal=("<=", 0.10))))
    R.append(("3. Work file system: create 1 GiB, extract %(subset)s", None))
    R.append(("ratio", dict(what="`disk --work-size 1G`", ours="workfs.seedboot.time",
                            peer="workfs.mke2fs.time", peer_name="mke2fs", unit="s")))
    R.append(("ratio", dict(what="`disk --work-size 1G`", ours="workfs.seedboot.time",
                            peer="workfs.mke2fs_pinned.time",
                            peer_name="mke2fs with seedboot's -E options", unit="s")))
    R.append(("ratio", dict(what="disk space allocated", ours="workfs.seedboot.alloc",
                            peer="workfs.mke2fs.alloc", peer_name="mke2fs", unit="MB")))
    R.append(("ratio", dict(what="`extract --path /`", ours="extract.seedboot.time",
                            peer="extract.debugfs.time", peer_name="debugfs rdump", unit="s")))
    R.append(("4. Boot latency, default chain, guest clock (TCG, no KVM)", None))
    for a in ARCHES:
        peer = dict(peer="chain.minimal.pid1", peer_name="minimal init") if a == "x86_64" else {}
        R.append(("absolute", dict(what="%s: PID 1 up" % a, ours="boot.%s.pid1" % a, unit="s",
                                   goal=("<=", 1.0), **peer)))
        R.append(("absolute", dict(what="%s: manifest verified (est.)" % a,
                                   ours="boot.%s.manifest" % a, unit="s")))
        peer = dict(peer="chain.minimal.first_step", peer_name="minimal init") if a == "x86_64" else {}
        R.append(("absolute", dict(what="%s: first step starts" % a,
                                   ours="boot.%s.first_step" % a, unit="s",
                                   estimated="boot.%s.first_step_estimated" % a, **peer)))
        R.append(("absolute", dict(what="%s: PID 1's own share (PID 1 up -> first step)" % a,
                                   ours="boot.%s.pid1_share" % a, unit="s", goal=("<=", 0.05))))
        peer = dict(peer="chain.minimal.poweroff", peer_name="minimal init") if a == "x86_64" else {}
        R.append(("absolute", dict(what="%s: power-off" % a, ours="boot.%s.poweroff" % a,
                                   unit="s", **peer)))
        R.append(("absolute", dict(what="%s: `seedboot boot` wall" % a,
                                   ours="boot.%s.wall" % a, unit="s")))
    R.append(("5. Chain overhead, x86_64: the same QEMU command, seedboot's root vs a minimal init", None))
    R.append(("ratio", dict(what="QEMU wall time", ours="chain.seedboot.time",
                            peer="chain.minimal.time", peer_name="minimal init", unit="s",
                            goal=("<=", 1.05))))
    R.append(("ratio", dict(what="guest time to power-off", ours="chain.seedboot.poweroff",
                            peer="chain.minimal.poweroff", peer_name="minimal init", unit="s")))
    R.append(("6. Hashing a tree on the host (%(tree)s)", None))
    R.append(("ratio", dict(what="throughput (`lock`)", ours="hash.seedboot.time",
                            peer="hash.sha256sum.time", peer_name="find | sha256sum", unit="s",
                            goal=(">=", 0.9), inverse=True)))
    R.append(("7. Boot-time verification in the guest, x86_64 (a 48 MiB source; the peer reads it warm)", None))
    R.append(("ratio", dict(what="throughput (PID 1's manifest check)", ours="verify.pid1.time",
                            peer="verify.plain.time", peer_name="plain SHA-256 in a step",
                            unit="s", goal=(">=", 0.9), inverse=True)))
    return R


def table(raw_path, meta_path):
    raw, meta = load_raw(raw_path), load_meta(meta_path)
    p = print
    p("# seedboot benchmarks")
    p("")
    p("`%s` (source %s) on %s: %s. Load average %s at the start, %s at the end. %s repetitions;"
      % (meta.get("command", "make bench"), meta.get("source", "?"), meta.get("date", "?"),
         meta.get("host", "?"), meta.get("load_start", "?"), meta.get("load_end", "?"),
         meta.get("reps", "?")))
    p("each cell is the median (min – max); ratios are ours / peer per repetition"
      " (throughput: peer time / our time). Whole run: %s." % meta.get("elapsed", "?"))
    p("")
    p("| what | seedboot | peer | ratio | goal | met |")
    p("| --- | --- | --- | --- | --- | --- |")
    for kind, r in rows():
        if r is None:
            p("| **%s** | | | | | |" % (kind % meta))
        elif kind == "ratio":
            p("| " + " | ".join(ratio_row(raw, r)) + " |")
        elif kind == "absolute":
            p("| " + " | ".join(absolute_row(raw, r)) + " |")
        else:
            p("| " + " | ".join(identical_row(raw, r)) + " |")
    p("")
    p("Commands and inputs:")
    p("")
    for key in sorted(k for k in meta if k.startswith("cmd.")):
        p("- %s: `%s`" % (key[4:], meta[key]))
    for key in ("versions", "notes"):
        if key in meta:
            p("- %s: %s" % (key, meta[key]))
    p("")
    p("<details><summary>every run</summary>")
    p("")
    p("| key | runs |")
    p("| --- | --- |")
    for key in sorted(raw):
        vals = raw[key]
        p("| %s | %s |" % (key, ", ".join("%s: %s" % (k, vals[k][:16]) for k in sorted(vals))))
    p("")
    p("</details>")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "console":
        return console_figures(argv[2])
    if len(argv) == 4 and argv[1] == "table":
        return table(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
