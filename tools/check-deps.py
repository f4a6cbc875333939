#!/usr/bin/env python3
"""Holds the builder's library picture to CMake and to the code.

Reads every add_library and target_link_libraries of seedboot's own libraries (builder/,
qemu/, libseedboot/), then checks:
  1. every #include of builder/, qemu/ or libseedboot/ in a library's sources names a header of
     the same library or of one it links, directly or through others (nothing reaches past
     its links, as a header-only use would);
  2. the links have no cycle;
  3. the table between the "<!-- deps -->" marks of README.md lists each library with exactly
     the seedboot libraries it links directly.
Exits 1 naming each difference; --table prints the table as CMake has it.

  tools/check-deps.py [--table] [SRC]
"""
import os
import re
import sys

ADD = re.compile(r"add_library\(\s*(seedboot_\w+)\s+STATIC\s+([^)]*)\)", re.S)
LINK = re.compile(r"target_link_libraries\(\s*(seedboot_\w+)\s+([^)]*)\)", re.S)
INCLUDE = re.compile(r'^\s*#\s*include\s+"((?:builder|qemu|libseedboot)/[^"]+)"', re.M)
ROW = re.compile(r"^\| `(seedboot_\w+)` \| `([^`]+)` \| ([^|]*) \|")
FOLDERS = ("builder", "qemu", "libseedboot")


def read_cmake(src):
    libs, links = {}, {}
    for top in FOLDERS:
        for dirpath, _, names in os.walk(os.path.join(src, top)):
            if "CMakeLists.txt" not in names:
                continue
            with open(os.path.join(dirpath, "CMakeLists.txt")) as f:
                text = re.sub(r"#.*", "", f.read())
            rel = os.path.relpath(dirpath, src)
            for name, files in ADD.findall(text):
                libs[name] = [os.path.normpath(os.path.join(rel, x)) for x in files.split()]
            for name, deps in LINK.findall(text):
                links.setdefault(name, set()).update(
                    d for d in deps.split() if d.startswith("seedboot_"))
    return libs, links


def owner_of(header, libs):
    """The library whose sources sit beside `header`: its .cpp twin, else its folder's."""
    twin = os.path.splitext(header)[0] + ".cpp"
    for lib, files in libs.items():
        if twin in files:
            return lib
    folder = os.path.dirname(header)
    for lib, files in libs.items():
        if any(os.path.dirname(f) == folder for f in files):
            return lib
    return None


def reach(lib, links, seen=None):
    seen = set() if seen is None else seen
    for d in links.get(lib, ()):
        if d not in seen:
            seen.add(d)
            reach(d, links, seen)
    return seen


def cycle(links):
    state = {}

    def visit(n, path):
        state[n] = 1
        for d in sorted(links.get(n, ())):
            if state.get(d) == 1:
                return path + [n, d]
            if d not in state:
                found = visit(d, path + [n])
                if found:
                    return found
        state[n] = 2
        return None

    for n in sorted(links):
        if n not in state:
            found = visit(n, [])
            if found:
                return found[found.index(found[-1]):]
    return None


def table(libs, links):
    rows = ["| library | folder | links |", "| --- | --- | --- |"]
    for lib in sorted(libs, key=lambda l: (os.path.commonpath(libs[l]), l)):
        folder = os.path.commonpath([os.path.dirname(f) for f in libs[lib]]) + "/"
        deps = ", ".join(f"`{d}`" for d in sorted(links.get(lib, ()))) or "-"
        rows.append(f"| `{lib}` | `{folder}` | {deps} |")
    return rows


def main(argv):
    show = "--table" in argv
    args = [a for a in argv if a != "--table"]
    src = os.path.realpath(args[0] if args else os.path.join(os.path.dirname(__file__), ".."))
    libs, links = read_cmake(src)
    if show:
        print("\n".join(table(libs, links)))
        return 0
    errors = []
    for lib, files in sorted(libs.items()):
        allowed = reach(lib, links) | {lib}
        for cpp in files:
            stem = os.path.splitext(cpp)[0]
            for path in (cpp, stem + ".hpp"):
                full = os.path.join(src, path)
                if not os.path.exists(full):
                    continue
                with open(full) as f:
                    for inc in INCLUDE.findall(f.read()):
                        other = owner_of(inc, libs)
                        if other and other not in allowed:
                            errors.append(f'{path}: includes "{inc}" of {other}, which {lib} '
                                          "does not link (add it to its target_link_libraries, "
                                          "or move the code)")
    found = cycle(links)
    if found:
        errors.append("the libraries link in a circle: " + " -> ".join(found))
    readme = os.path.join(src, "README.md")
    with open(readme) as f:
        text = f.read()
    marked = re.search(r"<!-- deps -->\n(.*?)<!-- /deps -->", text, re.S)
    if not marked:
        errors.append("README.md: no library table between <!-- deps --> and <!-- /deps -->")
    else:
        have = {}
        for line in marked.group(1).splitlines():
            m = ROW.match(line)
            if m:
                have[m.group(1)] = {d.strip(" `") for d in m.group(3).split(",")} - {"-", ""}
        for lib in sorted(libs.keys() | have.keys()):
            want = links.get(lib, set()) if lib in libs else None
            if want is None:
                errors.append(f"README.md: lists {lib}, which CMake does not build")
            elif lib not in have:
                errors.append(f"README.md: no row for {lib} (links {', '.join(sorted(want))})")
            elif have[lib] != want:
                errors.append(f"README.md: {lib} links {', '.join(sorted(want)) or 'nothing'} in "
                              f"CMake, the table says {', '.join(sorted(have[lib])) or 'nothing'} "
                              "(tools/check-deps.py --table prints CMake's)")
    for e in errors:
        print(f"check-deps: {e}", file=sys.stderr)
    if errors:
        return 1
    print(f"check-deps: {len(libs)} libraries, no circle, every include within its links, "
          "README's table as CMake has it")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
