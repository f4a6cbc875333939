#!/usr/bin/env python3
"""oci_unpack.py LAYOUT DEST: unpacks the one image of an OCI image layout (export.sh)."""
# Applies the layers in order as a container runtime does: .wh.NAME removes NAME below,
# .wh..wh..opq empties its folder of what the layers below put there.
import json, os, shutil, sys, tarfile
top, dest = sys.argv[1:]
blob = lambda d: os.path.join(top, "blobs", *d.split(":"))
index = json.load(open(os.path.join(top, "index.json")))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
os.makedirs(dest)
def drop(path):
    if os.path.isdir(path) and not os.path.islink(path): shutil.rmtree(path)
    elif os.path.lexists(path): os.remove(path)
for layer in manifest["layers"]:
    with tarfile.open(blob(layer["digest"])) as t:
        members = []
        for m in t.getmembers():
            d, base = os.path.split(m.name)
            if base == ".wh..wh..opq":
                if os.path.isdir(os.path.join(dest, d)):
                    for n in os.listdir(os.path.join(dest, d)): drop(os.path.join(dest, d, n))
            elif base.startswith(".wh."):
                drop(os.path.join(dest, d, base[4:]))
            else:
                if not (m.isdir() and os.path.isdir(os.path.join(dest, m.name))):
                    drop(os.path.join(dest, m.name))
                members.append(m)
        t.extractall(dest, members=members)
