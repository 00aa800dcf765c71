#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A small glTF with levels of detail to make: one 32 x 32 grid of wavy
ground (2 048 triangles, over STOA_LOD_MIN_TRIANGLES), the buffer embedded.
A seed for the scene cache's fuzz replay, so that mutations reach the LODS
section and its index arrays. Usage: make_lod_seed.py OUT.gltf [SPACING]
(metres between grid points, 0.1 by default; 1.5 makes a 48 m grid whose
positions are too wide to quantise, so that QVTX has a stream absent)."""
import base64
import json
import math
import struct
import sys

N = 32
D = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
pos, idx = [], []
for y in range(N + 1):
    for x in range(N + 1):
        pos += [x * D, 0.05 * math.sin(x * 0.9) * math.cos(y * 0.7), y * D]
for y in range(N):
    for x in range(N):
        a = y * (N + 1) + x
        idx += [a, a + N + 1, a + 1, a + 1, a + N + 1, a + N + 2]
pb = struct.pack("<%df" % len(pos), *pos)
ib = struct.pack("<%dI" % len(idx), *idx)
buf = pb + ib
doc = {
    "asset": {"version": "2.0"},
    "buffers": [{"byteLength": len(buf),
                 "uri": "data:application/octet-stream;base64," + base64.b64encode(buf).decode()}],
    "bufferViews": [{"buffer": 0, "byteLength": len(pb), "target": 34962},
                    {"buffer": 0, "byteOffset": len(pb), "byteLength": len(ib), "target": 34963}],
    "accessors": [
        {"bufferView": 0, "componentType": 5126, "count": len(pos) // 3, "type": "VEC3",
         "min": [min(pos[i::3]) for i in range(3)], "max": [max(pos[i::3]) for i in range(3)]},
        {"bufferView": 1, "componentType": 5125, "count": len(idx), "type": "SCALAR"}],
    "meshes": [{"name": "Ground", "primitives": [{"attributes": {"POSITION": 0}, "indices": 1}]}],
    "nodes": [{"name": "Ground", "mesh": 0}],
    "scenes": [{"nodes": [0]}],
    "scene": 0,
}
with open(sys.argv[1], "w") as f:
    json.dump(doc, f)
