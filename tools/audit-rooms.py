#!/usr/bin/env python3
"""Holds init/AUDIT.md's table of rooms against the code.

Checks that every source file of the PID 1 is in a room the table lists, that each room's line
count is what the table says, and that a room includes only itself, the rooms the table lets it
touch, and libseedboot. Exits 1 naming each difference. --update rewrites the line counts (and
the total) in place; the rooms and what they may touch are for a person to change.

  tools/audit-rooms.py [--update] [SRC]
"""
import os
import re
import sys

ROW = re.compile(r"^\| `(\w+)/` \| (\d+) \| ([^|]*) \|(.*)$")
TOTAL = re.compile(r"^\| \*\*total\*\* \| (\d+) \|(.*)$")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def room_files(init, room):
    folder = os.path.join(init, room)
    return sorted(os.path.join(folder, f) for f in os.listdir(folder)
                  if f.endswith((".cpp", ".hpp")))


def count_lines(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def main(argv):
    update = "--update" in argv
    args = [a for a in argv if a != "--update"]
    src = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    init = os.path.join(src, "init")
    audit = os.path.join(init, "AUDIT.md")
    shown = "init/AUDIT.md"
    with open(audit) as f:
        lines = f.read().split("\n")
    table = {}
    for line in lines:
        m = ROW.match(line)
        if m:
            allowed = set(m.group(3).replace(",", " ").split()) - {"-"}
            table[m.group(1)] = (int(m.group(2)), allowed)
    errors = []
    if not table:
        errors.append(f"{shown}: no table of rooms (rows like | `boot/` | 229 | console | ... |)")
    loose = [e for e in os.listdir(init) if e.endswith((".cpp", ".hpp"))]
    for e in sorted(loose):
        errors.append(f"init/{e}: a source outside every room (expected in one of init/*/)")
    folders = {e for e in os.listdir(init) if os.path.isdir(os.path.join(init, e))}
    for room in sorted(folders - table.keys()):
        errors.append(f"init/{room}/: a room that {shown} does not list")
    for room in sorted(table.keys() - folders):
        errors.append(f"{shown}: lists `{room}/`, which init/ does not have")
    counts = {}
    for room in sorted(folders & table.keys()):
        files = room_files(init, room)
        counts[room] = sum(count_lines(p) for p in files)
        want, allowed = table[room]
        if counts[room] != want and not update:
            errors.append(f"init/{room}/: {counts[room]} lines, the table says {want} "
                          "(tools/audit-rooms.py --update rewrites the counts)")
        for path in files:
            with open(path) as f:
                for inc in INCLUDE.findall(f.read()):
                    rel = os.path.relpath(path, src)
                    parts = inc.split("/")
                    if parts[0] == "libseedboot":
                        continue
                    if parts[0] != "init" or len(parts) < 3:
                        errors.append(f'{rel}: includes "{inc}" (expected init/ROOM/... or '
                                      "libseedboot/...: the PID 1 links nothing else)")
                    elif parts[1] != room and parts[1] not in allowed:
                        errors.append(f'{rel}: includes "{inc}", but `{room}/` may touch only '
                                      f"{' '.join(sorted(allowed)) or 'no other room'}")
    if update and not errors:
        out = []
        for line in lines:
            m, t = ROW.match(line), TOTAL.match(line)
            if m and m.group(1) in counts:
                line = f"| `{m.group(1)}/` | {counts[m.group(1)]} | {m.group(3)} |{m.group(4)}"
            elif t:
                line = f"| **total** | {sum(counts.values())} |{t.group(2)}"
            out.append(line)
        with open(audit, "w") as f:
            f.write("\n".join(out))
    else:
        for line in lines:
            t = TOTAL.match(line)
            if t and int(t.group(1)) != sum(counts.values()):
                errors.append(f"{shown}: total {t.group(1)}, the rooms add up to "
                              f"{sum(counts.values())}")
    for e in errors:
        print(f"audit-rooms: {e}", file=sys.stderr)
    if errors:
        return 1
    print(f"audit-rooms: {len(counts)} rooms, {sum(counts.values())} lines, as {shown} says")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
