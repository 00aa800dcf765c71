#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`stoa info`: counts and warnings as text and JSON, checked against the
glTF file's own JSON; a bad file exits 1 with a message naming it."""
import json
import os
import subprocess
import sys
import tempfile

stoa, models = sys.argv[1], sys.argv[2]  # Stoa's generated test models
failed = 0


def check(cond, what):
    global failed
    if not cond:
        failed += 1
        print("FAIL:", what)
    else:
        print("ok  ", what)


def run(*args):
    p = subprocess.run([stoa, "info", *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


# Text output for a plain model.
box = os.path.join(models, "box/box.gltf")
rc, out, err = run(box)
check(rc == 0, "info Box exits 0")
check("triangles   12" in out, "info Box prints 12 triangles")
check("0 warnings" in out, "info Box has no warnings")

# JSON output for a skinned, animated model, against its JSON.
skin = os.path.join(models, "skin/skin.glb")
rc, out, err = run(skin, "--json")
check(rc == 0, "info --json skin.glb exits 0")
info = json.loads(out)
with open(skin, "rb") as f:
    data = f.read()
    gltf = json.loads(data[20:20 + int.from_bytes(data[12:16], "little")])
c = info["counts"]
check(c["materials"] == len(gltf.get("materials", [])), "materials match the file")
check(c["textures"] == len(gltf.get("textures", [])), "textures match the file")
check(c["animations"] == len(gltf["animations"]), "animations match the file")
check(c["skins"] == len(gltf["skins"]), "skins match the file")
tri = sum(gltf["accessors"][p["indices"]]["count"] // 3 for m in gltf["meshes"] for p in m["primitives"])
check(c["triangles"] == tri, "triangles match the file (%d)" % tri)
size = [b - a for a, b in zip(info["bounds"]["min"], info["bounds"]["max"])]
check(abs(max(size) - 2.0) < 1e-4, "the skinned bar is 2 m tall at rest (%s)" % size)

# Warnings reach the author: approximated material extensions name what was
# approximated; an unknown extension that is only used is a warning, one that
# the file requires is an error (glTF 2.0, 3.12), with a hint where Stoa has one.
rc, out, err = run(os.path.join(models, "materials-ext/materials-ext.gltf"), "--json")
warnings = json.loads(out)["warnings"]
for ext in ("transmission", "clearcoat", "sheen", "specular", "volume"):
    check(rc == 0 and any(ext in w and "approximated" in w for w in warnings),
          "KHR_materials_%s is approximated, with a warning" % ext)
with open(box) as f:
    doc = json.load(f)
with tempfile.TemporaryDirectory(prefix="stoa-info-") as d:
    import shutil
    shutil.copy(os.path.join(models, "box/box.bin"), d)
    doc["extensionsUsed"] = ["EXT_made_up"]
    used = os.path.join(d, "used.gltf")
    with open(used, "w") as f:
        json.dump(doc, f)
    rc, out, err = run(used, "--json")
    check(rc == 0 and any("EXT_made_up" in w for w in json.loads(out)["warnings"]),
          "an unsupported optional extension is a warning")
    doc["extensionsUsed"] = doc["extensionsRequired"] = ["KHR_texture_basisu"]
    required = os.path.join(d, "required.gltf")
    with open(required, "w") as f:
        json.dump(doc, f)
    rc, out, err = run(required)
    check(rc == 1 and required in err and "KHR_texture_basisu" in err and "Debian" in err,
          "a required unsupported extension is an error with a hint: " + err.strip())

# A bad file: exit 1, message names the file and the fault.
with tempfile.TemporaryDirectory(prefix="stoa-info-") as d:
    bad = os.path.join(d, "broken.gltf")
    with open(bad, "w") as f:
        f.write('{"asset": {"version": "2.0"}, "nodes": [{"children": [0]}], "scenes": [{"nodes": [0]}]}')
    rc, out, err = run(bad)
    check(rc == 1, "bad file exits 1")
    check(bad in err and "cycle" in err, "message names the file and the cycle: " + err.strip())

rc, out, err = run()
check(rc == 2, "no argument is a usage error")
sys.exit(1 if failed else 0)
