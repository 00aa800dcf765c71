# SPDX-License-Identifier: Apache-2.0
"""World-space centres of a .glb's named nodes (mesh bounds, or the origin),
for a scripted learner to aim at. Reads only the GLB's JSON chunk."""
import json
import math
import struct


def _local(n):
    if "matrix" in n:
        m = n["matrix"]
        return [[m[c * 4 + r] for c in range(4)] for r in range(4)]
    t = n.get("translation", [0, 0, 0])
    x, y, z, w = n.get("rotation", [0, 0, 0, 1])
    s = n.get("scale", [1, 1, 1])
    r = [[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
         [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
         [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]]
    return [[r[i][0] * s[0], r[i][1] * s[1], r[i][2] * s[2], t[i]] for i in range(3)] + [[0, 0, 0, 1]]


def _mul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(4)) for j in range(4)] for i in range(4)]


def _apply(m, p):
    return [sum(m[i][k] * p[k] for k in range(3)) + m[i][3] for i in range(3)]


def node_centres(path):
    with open(path, "rb") as f:
        d = f.read()
    n = struct.unpack("<I", d[12:16])[0]
    g = json.loads(d[20:20 + n])
    nodes = g["nodes"]
    parent = {c: i for i, nd in enumerate(nodes) for c in nd.get("children", [])}
    out = {}
    for i, nd in enumerate(nodes):
        m, j = _local(nd), i
        while j in parent:
            j = parent[j]
            m = _mul(_local(nodes[j]), m)
        centre = [m[0][3], m[1][3], m[2][3]]
        if "mesh" in nd:
            lo, hi = [math.inf] * 3, [-math.inf] * 3
            for prim in g["meshes"][nd["mesh"]]["primitives"]:
                acc = g["accessors"][prim["attributes"]["POSITION"]]
                for c in range(8):
                    p = [acc["max"][k] if c >> k & 1 else acc["min"][k] for k in range(3)]
                    w = _apply(m, p)
                    lo = [min(lo[k], w[k]) for k in range(3)]
                    hi = [max(hi[k], w[k]) for k in range(3)]
            centre = [(lo[k] + hi[k]) / 2 for k in range(3)]
            out[nd.get("name", "")] = {"centre": centre, "min": lo, "max": hi}
        else:
            out[nd.get("name", "")] = {"centre": centre, "min": centre, "max": centre}
    return out
