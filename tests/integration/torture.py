#!/usr/bin/env python3
"""torture.py: power cuts (SIGKILL of QEMU) at random instants of a chain of steps
(tests/images/torture.toml, x86_64), then resumes, until every run completes. Every run
must end ok with the same output hashes as a clean run, `seedboot status` must show every
step done, and /work/aside must stay within its bound (init/work/aside.hpp). The instants are
seeded: half of the cuts come at a random time since QEMU started (kernel boot included),
half a random 0-400 ms after a random line of the clean run's console (a step's start, its
progress, its output check, a checkpoint), which lands them in checkpointing and journal
writes too.

  torture.py --seed N --cuts N          random cuts, as above
  torture.py --spec inplace.toml --arch A --steps 3 --seed N --cuts N
                                        the same on steps that change the tree in place
                                        (tests/images/inplace.toml, issue 25), on arch A
  torture.py --repeat-step NAME --cuts N  N cuts in a row of one step, late in it: each
                                          cut leaves a large copy of its partial work aside,
                                          older copies must be dropped, the console says so

Environment (CTest sets it): SEEDBOOT, BUILD, SRC. Prints the figures at the end."""
import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib

SEEDBOOT, BUILD, SRC = (os.environ[k] for k in ("SEEDBOOT", "BUILD", "SRC"))
SPEC = os.path.join(SRC, "tests/images/torture.toml")
ARCH = "x86_64"
STEPS = 5
ASIDE_CAP = (64 << 20) // 8  # init/work/aside.hpp: an eighth of the work partition (the spec's)
# The most one step's partial work can be: its whole output (big: 96 x 128 KiB), with slack
# for folder blocks; the latest copy of each step is kept whatever the cap.
LATEST_BOUND = (1 + 1 + 12 + 1 + 1) * (1 << 20) + (1 << 20)
# Lines of the clean run a cut may follow, as prefixes (a step's end line goes on with its time):
# a step's start (its begin line was just written), progress, end (its outputs are hashed, the
# file system synced and its done line written next), an output check.
MARKER = re.compile(r"^(seedboot: \[\d+/\d+\] \S+ start|seedboot: output .*|> churn .*|> inplace .*|"
                    r"seedboot: \[\d+/\d+\] \S+ end status=0)")


def fail(what):
    print("FAIL: " + what, file=sys.stderr)
    sys.exit(1)


def console(out):
    try:
        with open(os.path.join(out, "console.log"), "rb") as f:
            return f.read().decode("utf-8", "replace").replace("\r", "")
    except FileNotFoundError:
        return ""


def qemu_pid(parent):
    """The QEMU child of `parent`, not a helper it runs to make the disks (mke2fs...)."""
    try:
        with open(f"/proc/{parent}/task/{parent}/children") as f:
            kids = f.read().split()
        for kid in kids:
            with open(f"/proc/{kid}/comm") as f:
                if f.read().startswith("qemu-system"):
                    return int(kid)
    except OSError:
        pass
    return None


def boot(out, resume, cut=None):
    """Boots the torture image into `out`; `cut` is ("time", seconds) or ("after", line,
    seconds). Returns (exit status, whether QEMU was killed, seconds, console text)."""
    log = os.path.join(out, "console.log")
    if os.path.exists(log):
        os.remove(log)
    kernel = "Image" if ARCH == "aarch64" else "bzImage"
    argv = [SEEDBOOT, "boot", SPEC, "--arch", ARCH, "--kernel",
            os.path.join(BUILD, f"kernel/{ARCH}/{kernel}"), "--init",
            os.path.join(BUILD, f"guest/{ARCH}/init/init"), "--build-dir", BUILD,
            "--out-dir", out, "-q"] + (["--resume"] if resume else [])
    start = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    killed, seen_at = False, None
    while p.poll() is None:
        time.sleep(0.02)
        now = time.monotonic() - start
        if killed or cut is None:
            continue
        if cut[0] == "after" and seen_at is None and any(
                line.startswith(cut[1]) for line in console(out).split("\n")):
            seen_at = now
        due = cut[1] if cut[0] == "time" else (None if seen_at is None else seen_at + cut[2])
        if due is not None and now >= due:
            pid = qemu_pid(p.pid)
            if pid:
                os.kill(pid, signal.SIGKILL)
                killed = True
    err = p.stderr.read().decode()
    text = console(out)
    if os.path.exists(log):
        shutil.copy(log, os.path.join(out, f"console.{int(time.time() * 1000)}.log"))
    if not killed and p.returncode != 0:
        fail(f"a boot that was not cut failed ({p.returncode}): {err}\n" + text[-3000:])
    return p.returncode, killed, time.monotonic() - start, text


def outputs(text):
    """The output hashes, and each build root's tree digest, the run printed."""
    hashes = re.findall(r"^seedboot: output ([0-9a-f]{64})  (\S+)", text, re.M)
    roots = re.findall(r"^seedboot: build root (\S+): tree digest ([0-9a-f]{64})", text, re.M)
    return sorted(set(hashes)) + sorted(set(("root", r, d) for r, d in roots))


def aside_bytes(out, tmp):
    dest = os.path.join(tmp, "aside")
    shutil.rmtree(dest, ignore_errors=True)
    r = subprocess.run([SEEDBOOT, "extract", os.path.join(out, "work.img"), "--path", "/aside",
                        "-o", dest], capture_output=True, text=True)
    if r.returncode != 0:
        return 0, []
    total = 0
    for root, _, files in os.walk(dest):
        for f in files:
            total += os.lstat(os.path.join(root, f)).st_size
    return total, sorted(os.listdir(dest))


def check_run(out, tmp, text, ref):
    if outputs(text) != ref:
        fail(f"{out}: other outputs than the clean run:\n{outputs(text)}\n{ref}")
    st = subprocess.run([SEEDBOOT, "status", os.path.join(out, "work.img")],
                        capture_output=True, text=True)
    if st.returncode != 0 or f"{STEPS} of {STEPS} steps done" not in st.stdout:
        fail(f"{out}: status after the run: {st.stdout}{st.stderr}")
    size, names = aside_bytes(out, tmp)
    if size > ASIDE_CAP + LATEST_BOUND:
        fail(f"{out}: /work/aside holds {size} bytes ({names}), over its bound")
    return size, names


def markers(ref_text):
    lines = ref_text.split("\n")
    start = next(i for i, l in enumerate(lines) if "mounted on /work" in l)
    return [m.group(1) for m in (MARKER.match(l) for l in lines[start:]) if m]


def random_cuts(args, tmp, ref, ref_time, ref_text):
    rng = random.Random(args.seed)
    marks = markers(ref_text)
    cuts = resumes = runs = identical = 0
    max_aside = 0
    while cuts < args.cuts:
        runs += 1
        out = os.path.join(tmp, f"run{runs}")
        resume, killed = False, True
        while killed and cuts < args.cuts:
            if rng.random() < 0.5:
                cut = ("time", rng.uniform(0.5, 0.85 * ref_time))
            else:
                cut = ("after", rng.choice(marks), rng.uniform(0, 0.4))
            rc, killed, secs, text = boot(out, resume, cut)
            what = f"{cut[1]:.1f} s" if cut[0] == "time" else f"'{cut[1]}' + {cut[2]:.2f} s"
            print(f"run {runs}: {'cut' if killed else 'no cut (the run ended first)'}: {what}")
            cuts += killed
            resumes += resume
            resume = True
        if killed:
            rc, killed, secs, text = boot(out, True)
            resumes += 1
        size, names = check_run(out, tmp, text, ref)
        max_aside = max(max_aside, size)
        identical += 1
        print(f"run {runs}: ok, outputs identical to the clean run, aside {size} bytes {names}")
        shutil.rmtree(out)
    print(f"torture seed {args.seed}: {cuts} cuts made, {resumes} resumes, {runs} runs, "
          f"{identical} of {runs} identical to the clean run; /work/aside at most {max_aside} "
          f"bytes (bound {ASIDE_CAP + LATEST_BOUND})")


def repeated_cuts(args, tmp, ref):
    out = os.path.join(tmp, "repeat")
    step = args.repeat_step
    index = {"s1": 1, "s2": 2, "big": 3, "many": 4, "s5": 5}[step]
    files = {"s1": 64, "s2": 64, "big": 96, "many": 240, "s5": 64}[step]
    mark = f"> churn {step}: {files * 5 // 6 // 8 * 8} of {files} files"
    dropped = 0
    for k in range(1, args.cuts + 1):
        rc, killed, secs, text = boot(out, k > 1, ("after", mark, 0))
        if not killed:
            fail(f"cut {k} of step {step} did not happen")
        dropped += len(re.findall(r"^seedboot: aside: dropped ", text, re.M))
        if k > 2 and f"aside: dropped /work/aside/{index:02d}-{step}.{k - 2}" not in text:
            fail(f"boot {k} did not drop copy {k - 2} of {step}:\n" + text[-3000:])
    rc, killed, secs, text = boot(out, True)
    dropped += len(re.findall(r"^seedboot: aside: dropped ", text, re.M))
    size, names = check_run(out, tmp, text, ref)
    want = [f"{index:02d}-{step}.{args.cuts}"]
    if names != want:
        fail(f"after {args.cuts} cuts of {step} the aside folder holds {names}, expected {want}")
    print(f"{args.cuts} cuts of step {step}: {dropped} older copies dropped, aside holds {names} "
          f"({size} bytes), outputs identical to the clean run")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cuts", type=int, default=4)
    ap.add_argument("--repeat-step")
    ap.add_argument("--spec", default="torture.toml", help="a spec in tests/images")
    ap.add_argument("--arch", default="x86_64")
    ap.add_argument("--steps", type=int, default=5, help="how many steps the spec has")
    args = ap.parse_args()
    global SPEC, ARCH, STEPS, ASIDE_CAP
    SPEC, ARCH, STEPS = os.path.join(SRC, "tests/images", args.spec), args.arch, args.steps
    with open(SPEC, "rb") as f:
        size = tomllib.load(f)["image"]["work_size"]
    if not re.fullmatch(r"\d+M", size):
        fail(f"{SPEC}: work_size {size!r} (this test reads sizes like 64M)")
    ASIDE_CAP = (int(size[:-1]) << 20) // 8
    tmp = tempfile.mkdtemp(prefix="seedboot-torture-")
    try:
        ref_dir = os.path.join(tmp, "ref")
        rc, _, ref_time, ref_text = boot(ref_dir, False)
        ref = outputs(ref_text)
        if len([o for o in ref if o[0] != "root"]) < STEPS or ref[-1][0] != "root":
            fail(f"the clean run has {ref} as outputs, expected {STEPS} and a tree digest")
        print(f"clean run: {ref_time:.1f} s, {len(ref)} outputs")
        shutil.rmtree(ref_dir)
        if args.repeat_step:
            repeated_cuts(args, tmp, ref)
        else:
            random_cuts(args, tmp, ref, ref_time, ref_text)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
