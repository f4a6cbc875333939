#!/usr/bin/env python3
"""containerfile-heredocs.py CONTAINERFILE CONTEXT: for buildah 1.28, which has no Dockerfile
here-documents. Each `COPY <<[-]DELIM DEST` and its body become a file of the build context,
CONTEXT/heredoc-N, holding the bytes BuildKit would write (for <<-, leading tabs stripped;
each line ending in a newline), behind a plain `COPY heredoc-N DEST`. CONTAINERFILE is
rewritten in place, and one line per here-document says what was done (make compare-stagex
prints them as deviations). Refused, naming the line: a here-document in any other
instruction, one that is not closed, and an unquoted one whose body has a `$` (BuildKit would
expand it; this does not)."""
import os
import re
import sys

HEAD = re.compile(r"^(COPY|ADD)((?:\s+--\S+)*)\s+<<(-?)([\"']?)(\w+)\4\s+(\S+)\s*$")


def fail(msg):
    sys.stderr.write(f"containerfile-heredocs: error: {msg}\n")
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        fail("usage: containerfile-heredocs.py CONTAINERFILE CONTEXT")
    path, ctx = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, n, i = [], 0, 0
    while i < len(lines):
        line, where = lines[i], f"{path}:{i + 1}"
        m = HEAD.match(line)
        if not m:
            if "<<" in line and not line.lstrip().startswith("#"):
                fail(f"{where}: a here-document outside COPY/ADD (expected only COPY <<DELIM DEST)")
            out.append(line)
            i += 1
            continue
        _, opts, dash, quote, delim, dest = m.groups()
        body, i = [], i + 1
        while True:
            if i >= len(lines):
                fail(f"{where}: the here-document {delim} is never closed (expected a line '{delim}')")
            text = lines[i].lstrip("\t") if dash else lines[i]
            i += 1
            if text == delim:
                break
            body.append(text)
        data = "".join(t + "\n" for t in body)
        if not quote and "$" in data:
            fail(f"{where}: the here-document {delim} has a '$' that BuildKit would expand "
                 "(expected a quoted delimiter or no '$')")
        n += 1
        name = f"heredoc-{n}"
        with open(os.path.join(ctx, name), "w", encoding="utf-8") as f:
            f.write(data)
        os.chmod(os.path.join(ctx, name), 0o644)
        out.append(f"COPY{opts} {name} {dest}")
        print(f"{where}: the here-document of `{line.strip()}` ({len(body)} lines, {len(data)} "
              f"bytes) went into the context as {name}, as BuildKit writes it "
              f"({'leading tabs stripped, ' if dash else ''}each line ending in a newline), "
              f"behind `COPY{opts} {name} {dest}`")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
