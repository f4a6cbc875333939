#!/usr/bin/env python3
"""Holds the documentation to its shape: README.md stays a front door (under 400 lines), and
every relative link in README.md, docs/*.md and init/AUDIT.md reaches a file that exists and,
with #anchor, a heading of that file (GitHub's anchor rule). Exits 1 naming each broken link.

  tools/check-docs.py [SRC]
"""
import glob
import os
import re
import sys

README_LIMIT = 400


def slug(title):
    title = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return title.replace(" ", "-")


def headings(path):
    found, fence = set(), False
    with open(path) as f:
        for line in f:
            if line.startswith("```"):
                fence = not fence
            m = re.match(r"^#+ (.*)", line)
            if m and not fence:
                found.add(slug(m.group(1)))
    return found


def main(argv):
    src = os.path.realpath(argv[0] if argv else os.path.join(os.path.dirname(__file__), ".."))
    pages = [os.path.join(src, "README.md"), os.path.join(src, "init", "AUDIT.md")]
    pages += sorted(glob.glob(os.path.join(src, "docs", "*.md")))
    errors = []
    with open(pages[0]) as f:
        count = f.read().count("\n")
    if count >= README_LIMIT:
        errors.append(f"README.md: {count} lines (expected under {README_LIMIT}: the rest "
                      "belongs in docs/, one page per topic)")
    for page in pages:
        shown = os.path.relpath(page, src)
        with open(page) as f:
            text = f.read()
        for link in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+:", link):
                continue
            path, _, anchor = link.partition("#")
            target = os.path.realpath(os.path.join(os.path.dirname(page), path)) if path else page
            if not os.path.exists(target):
                errors.append(f"{shown}: links to {link}, but {os.path.relpath(target, src)} "
                              "does not exist")
            elif anchor and target.endswith(".md") and anchor not in headings(target):
                errors.append(f"{shown}: links to {link}, but {os.path.relpath(target, src)} "
                              f"has no heading #{anchor}")
    for e in errors:
        print(f"check-docs: {e}", file=sys.stderr)
    if errors:
        return 1
    print(f"check-docs: README.md {count} lines; {len(pages)} pages, every link reaches its place")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
