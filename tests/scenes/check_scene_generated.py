#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs a scene generator of tools/scenegen twice (separate processes,
different hash seeds): both runs must give the same bytes, equal to the
committed scene; then checks the scene's named nodes (the lessons' contract)
and, given as NODE=AXIS:MIN:MAX, the extent of a node's mesh in metres.

usage: check_scene_generated.py SOURCE_DIR WORK_DIR GENERATOR SCENE NODES [NODE=AXIS:MIN:MAX...]
  GENERATOR  e.g. make_bridge.py;  SCENE  e.g. scenes/bridge/bridge.glb
  NODES      comma-separated names that must be there"""
import json
import os
import struct
import subprocess
import sys


def generate(source_dir, script, out, seed):
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    subprocess.run([sys.executable, os.path.join(source_dir, "tools", "scenegen", script), "--out", out],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    with open(out, "rb") as f:
        return f.read()


def first_difference(a, b):
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def gltf_json(data):
    length, kind = struct.unpack_from("<II", data, 12)
    assert kind == 0x4E4F534A, "the first chunk is not JSON"
    return json.loads(data[20:20 + length])


def mesh_extent(doc, node, axis):
    """(min, max) along axis of the node's mesh in its own space plus its translation."""
    k = "xyz".index(axis)
    mesh = doc["meshes"][node["mesh"]]
    lo = min(doc["accessors"][p["attributes"]["POSITION"]]["min"][k] for p in mesh["primitives"])
    hi = max(doc["accessors"][p["attributes"]["POSITION"]]["max"][k] for p in mesh["primitives"])
    t = node.get("translation", [0, 0, 0])[k]
    return lo + t, hi + t


def main():
    source_dir, work_dir, script, scene, names = sys.argv[1:6]
    os.makedirs(work_dir, exist_ok=True)
    one = generate(source_dir, script, os.path.join(work_dir, "one.glb"), 1)
    two = generate(source_dir, script, os.path.join(work_dir, "two.glb"), 2)
    fails = []
    if one != two:
        fails.append("two runs differ (%d vs %d bytes, first difference at byte %d)"
                     % (len(one), len(two), first_difference(one, two)))
    with open(os.path.join(source_dir, scene), "rb") as f:
        committed = f.read()
    if committed != one:
        fails.append("%s is not what the generator makes (first difference at byte %d); regenerate it"
                     " with tools/scenegen/%s --out %s" % (scene, first_difference(committed, one), script, scene))
    doc = gltf_json(one)
    nodes = {n.get("name"): n for n in doc["nodes"]}
    for name in names.split(","):
        if name not in nodes:
            fails.append("node %s is missing" % name)
    for spec in sys.argv[6:]:
        name, rest = spec.split("=")
        axis, lo, hi = rest.split(":")
        if name not in nodes:
            continue
        got = mesh_extent(doc, nodes[name], axis)
        ok = abs(got[0] - float(lo)) < 0.02 and abs(got[1] - float(hi)) < 0.02
        print("%s %s %s from %.3f to %.3f (want %s to %s)" % ("ok  " if ok else "FAIL", name, axis,
                                                              got[0], got[1], lo, hi))
        if not ok:
            fails.append("%s's %s extent" % (name, axis))
    for f in fails:
        print("FAIL: " + f)
    if not fails:
        print("ok: %s is deterministic, up to date (%d bytes) and has its %d named nodes"
              % (scene, len(one), len(names.split(","))))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
