#!/usr/bin/env python3
"""Deterministic benchmark tree for `make bench` (tests/bench/bench.sh).

    gen_tree.py TREE                      the full tree (about 330 MiB, 12,700 files)
    gen_tree.py --subset TREE SUB MIB     SUB: hard links to the first MIB MiB of TREE's files

Everything comes from SHAKE-256 and a splitmix64 generator seeded with constants, so
every Python 3 on every host writes the same bytes (the random module's
algorithms may change between versions; these do not). The tree mixes what a
root image holds:

  big/      three large files: text-like log, random, and a mix of text,
            random and zero runs
  medium/   240 files of 64 KiB .. 1.25 MiB, one in six text-like, the rest random
  small/    12,000 files of 0 .. 16 KiB in 2-level folders, mostly text-like
            (source code, configs), some random, some empty
  dup/      exact copies: one big file, 30 medium files, 400 small files

About a third of the bytes are text-like (zstd level 15 on 128 KiB blocks
compresses them about 3:1, at a few MB/s on one core); the rest is random or
zeros, which compress fast. That keeps one pack of the whole tree near 20 s
here, so that `make bench` can repeat each packer three times.
  links/    symlinks to files and folders

About 5 % of the files are executable (mode 0755); the rest 0644.
"""
import hashlib
import os
import sys

MASK = (1 << 64) - 1


class Rng:
    """splitmix64: tiny, fast enough, fully specified."""

    def __init__(self, seed):
        self.s = seed & MASK

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def between(self, lo, hi):  # inclusive
        return lo + self.below(hi - lo + 1)


def random_bytes(tag, n):
    return hashlib.shake_256(b"seedboot-bench:" + tag.encode()).digest(n)


def make_corpus(size):
    """About `size` bytes of text that compresses like source code and logs."""
    r = Rng(1)
    letters = "etaoinshrdlcumwfgypbvkjxqz_"
    words = []
    for _ in range(5000):
        n = 2 + r.below(6) + r.below(6)
        words.append("".join(letters[min(r.below(27), r.below(27))] for _ in range(n)))
    punct = [" ", " ", " ", " ", ", ", "(", ") ", " = ", "; ", ".", " -> ", ": ", " {", "}"]
    out, total, lineno = [], 0, 0
    while total < size:
        lineno += 1
        indent = "    " * r.below(4)
        parts = []
        for _ in range(3 + r.below(12)):
            # Zipf-like word choice: frequent words dominate, as in real text.
            parts.append(words[min(r.below(5000), r.below(5000), r.below(5000))])
            parts.append(punct[r.below(len(punct))])
        if r.below(5) == 0:
            parts.append(" # %d %08x" % (lineno, r.next() & 0xFFFFFFFF))
        line = indent + "".join(parts).rstrip() + "\n"
        out.append(line)
        total += len(line)
    return "".join(out).encode()[:size]


CORPUS = None


def text_bytes(r, n):
    """n bytes of text: slices of the corpus from random places, with unique markers."""
    chunks, total = [], 0
    while total < n:
        off = r.below(len(CORPUS) - 16384)
        take = r.between(256, 12288)
        chunks.append(CORPUS[off:off + take])
        marker = b"\n# id %016x\n" % r.next()
        chunks.append(marker)
        total += take + len(marker)
    return b"".join(chunks)[:n]


def write(path, data, mode):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def generate(root):
    global CORPUS
    CORPUS = make_corpus(4 << 20)
    r = Rng(2)
    made = []  # (relative path, data size)

    def put(rel, data, exe=False):
        write(os.path.join(root, rel), data, 0o755 if exe else 0o644)
        made.append((rel, data))

    # big/
    put("big/text.log", text_bytes(r, 16 << 20))
    put("big/random.bin", random_bytes("big/random.bin", 32 << 20))
    mixed, i = [], 0
    while sum(len(c) for c in mixed) < (32 << 20):
        kind = i % 3
        if kind == 0:
            mixed.append(text_bytes(r, 256 << 10))
        elif kind == 1:
            mixed.append(random_bytes("mixed:%d" % i, 256 << 10))
        else:
            mixed.append(bytes(64 << 10))
        i += 1
    put("big/mixed.img", b"".join(mixed)[: 32 << 20])

    # medium/
    for i in range(240):
        size = r.between(64 << 10, 1280 << 10)
        rel = "medium/m%03d.%s" % (i, "txt" if i % 6 == 0 else "dat")
        data = text_bytes(r, size) if i % 6 == 0 else random_bytes(rel, size)
        put(rel, data, exe=(i % 20 == 0))

    # small/
    for i in range(12000):
        pick = r.below(100)
        if pick < 3:
            size = 0
        elif pick < 60:
            size = r.between(30, 2048)
        elif pick < 90:
            size = r.between(2048, 8192)
        else:
            size = r.between(8192, 16384)
        rand = r.below(100) < 15
        rel = "small/d%02d/e%02d/f%05d.%s" % (i % 40, (i // 40) % 12, i, "bin" if rand else "c")
        data = random_bytes(rel, size) if rand else text_bytes(r, size)
        put(rel, data, exe=(r.below(100) < 5))

    # dup/: exact copies under other names
    by_path = dict(made)
    put("dup/random-copy.bin", by_path["big/random.bin"])
    for i in range(0, 240, 8):
        src = "medium/m%03d.%s" % (i, "txt" if i % 6 == 0 else "dat")
        put("dup/medium/copy-of-m%03d" % i, by_path[src])
    smalls = [p for p, _ in made if p.startswith("small/")]
    for i in range(400):
        src = smalls[r.below(len(smalls))]
        put("dup/small/%03d/%s" % (i % 16, src.replace("/", "_")), by_path[src])

    # links/
    os.makedirs(os.path.join(root, "links"), exist_ok=True)
    for i in range(50):
        target = "../" + (smalls[r.below(len(smalls))] if i % 5 else "medium")
        os.symlink(target, os.path.join(root, "links", "l%02d" % i))


def subset(tree, sub, mib):
    """Hard links to all of TREE's small/, then medium/ files in path order, until MIB MiB."""
    files = []
    for top in ("small", "medium"):
        part = []
        for d, _, names in os.walk(os.path.join(tree, top)):
            part += [os.path.join(d, n) for n in names]
        files += sorted(part)
    total, limit = 0, mib << 20
    for f in files:
        if total >= limit:
            break
        dest = os.path.join(sub, os.path.relpath(f, tree))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        os.link(f, dest)
        total += os.path.getsize(f)


def main(argv):
    if len(argv) == 5 and argv[1] == "--subset":
        subset(argv[2], argv[3], int(argv[4]))
        return 0
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    if os.path.exists(argv[1]):
        sys.stderr.write("gen_tree.py: %s exists; remove it first\n" % argv[1])
        return 1
    generate(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
