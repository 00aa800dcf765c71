# SPDX-License-Identifier: Apache-2.0
"""Animation: STEP, LINEAR and CUBICSPLINE samplers on translation,
rotation (stored as normalised shorts and bytes) and scale; a skin with
several joints per vertex; morph targets (one sparse) with weights."""
import math
import os

import gltfw as G
import shapes as S
import tmath as M
from models_basic import _counts
from models_scene import _cube_mesh


def _keys(d, times):
    return d.accessor([(t,) for t in times], "SCALAR", target=None, minmax=True)[0]


def interpolation(out):
    d = G.Doc("interpolation")
    mesh = _cube_mesh(d)
    times = [0.0, 1.0, 2.0]
    tr = [(0.0, 0.0, 0.0), (1.0, 2.0, 0.0), (3.0, 0.0, -1.0)]
    # CUBICSPLINE output: in-tangent, value, out-tangent per key.
    cubic = [[(0, 0, 0), (0, 0, 0), (2, 0, 0)], [(0, 4, 0), (1, 2, 0), (0, -4, 0)],
             [(1, 1, 1), (3, 0, -1), (0, 0, 0)]]
    rot = [M.quat_axis((0, 1, 0), 0.0), M.quat_axis((0, 1, 0), math.pi / 2),
           M.quat_axis((0, 1, 0), math.pi)]
    rot_b = [M.quat_axis((1, 0, 0), 0.0), M.quat_axis((1, 0, 0), -math.pi / 3)]
    scl = [(1, 1, 1), (2, 0.5, 1), (1, 1, 3)]
    names = ["Step", "Linear", "Cubic", "RotShort", "RotByte", "Scale"]
    d.j["nodes"] = [{"name": n, "mesh": mesh, "translation": [2.0 * k, 0, 0]}
                    for k, n in enumerate(names)]
    inp = _keys(d, times)
    inp2 = _keys(d, [0.5, 1.5])
    samplers, channels, decoded = [], [], {}

    def add(node, path, interp, out_acc, inp_acc=inp):
        samplers.append({"input": inp_acc, "output": out_acc, "interpolation": interp})
        channels.append({"sampler": len(samplers) - 1, "target": {"node": node, "path": path}})

    add(0, "translation", "STEP", d.accessor(tr, "VEC3", target=None)[0])
    add(1, "translation", "LINEAR", d.accessor(tr, "VEC3", target=None)[0])
    add(2, "translation", "CUBICSPLINE",
        d.accessor([v for key in cubic for v in key], "VEC3", target=None)[0])
    acc, decoded["RotShort"] = d.accessor(rot, "VEC4", G.SHORT, True, target=None)
    add(3, "rotation", "LINEAR", acc)
    acc, decoded["RotByte"] = d.accessor(rot_b, "VEC4", G.BYTE, True, target=None)
    add(4, "rotation", "LINEAR", acc, inp2)
    add(5, "scale", "LINEAR", d.accessor(scl, "VEC3", target=None)[0])
    d.add("animations", {"name": "Everything", "samplers": samplers, "channels": channels})
    d.j["scene"] = d.add("scenes", {"nodes": list(range(len(names)))})
    f = d.write(os.path.join(out, "interpolation"), "bin")

    poses = []
    for t in (0.0, 0.25, 0.5, 1.0, 1.4, 2.0, 3.0):
        nodes = []
        for k, n in enumerate(names):
            T, R, Sc = [2.0 * k, 0, 0], [0, 0, 0, 1], [1, 1, 1]
            if n == "Step":
                T = M.sample(times, tr, "STEP", t)
            elif n == "Linear":
                T = M.sample(times, tr, "LINEAR", t)
            elif n == "Cubic":
                T = M.sample(times, cubic, "CUBICSPLINE", t)
            elif n == "RotShort":
                R = M.sample(times, decoded["RotShort"], "LINEAR", t, rotation=True)
            elif n == "RotByte":
                R = M.sample([0.5, 1.5], decoded["RotByte"], "LINEAR", t, rotation=True)
            elif n == "Scale":
                Sc = M.sample(times, scl, "LINEAR", t)
            nodes.append({"name": n, "world": M.trs(T, R, Sc)})
        poses.append({"animation": "Everything", "t": t, "nodes": nodes, "tolerance": 2e-3})
    return [{"file": "interpolation/" + f, "features": [
        "STEP, LINEAR, CUBICSPLINE samplers", "rotation output SHORT and BYTE normalized",
        "scale animation", "two input accessors in one animation"], "expect": {
        "counts": _counts(nodes=6, meshes=1, animations=1, triangles=72),
        "animations": [{"name": "Everything", "duration": 2.0, "channels": 6,
                        "interp": ["STEP", "LINEAR", "CUBICSPLINE", "LINEAR", "LINEAR", "LINEAR"]}],
        "poses": poses}}]


def skin(out):
    """A bar of 5 rings along +Y bound to a chain of three joints, up to
    three joints a vertex; u8 joints + float weights in one primitive, u16
    joints + u8-normalised weights in another. The animation bends the
    middle joint 90 degrees about Z."""
    d = G.Doc("skin")
    d.use("KHR_materials_unlit")
    view = S.OrthoView(0.0, 1.0, 1.4)
    rings = [0.0, 0.5, 1.0, 1.5, 2.0]
    pos, joints, weights, idx = [], [], [], []
    for r, y in enumerate(rings):
        for x, z in ((-0.1, 0.1), (0.1, 0.1), (0.1, -0.1), (-0.1, -0.1)):
            pos.append((x, y, z))
        # Weights: bottom on joint 0, middle shared by three, top on joint 2.
        w = [(1, 0, 0), (0.5, 0.5, 0), (0.2, 0.6, 0.2), (0, 0.5, 0.5), (0, 0, 1)][r]
        for _ in range(4):
            # A joint with no weight is written as 0 (glTF 3.7.3.3).
            joints.append(tuple(j if wj > 0 else 0 for j, wj in zip((0, 1, 2, 0), w + (0,))))
            weights.append((w[0], w[1], w[2], 0.0))
    for r in range(len(rings) - 1):
        for s in range(4):
            a, b = r * 4 + s, r * 4 + (s + 1) % 4
            c, e = a + 4, b + 4
            idx += [a, b, c, b, e, c]
    mat = d.add("materials", {"name": "Bar", "pbrMetallicRoughness": {
        "baseColorFactor": [1.0, 0.5, 0.0, 1.0]}, "extensions": {"KHR_materials_unlit": {}}})
    pa = d.accessor(pos, "VEC3", minmax=True)[0]
    ia = d.indices(idx)
    ja, dj = d.accessor(joints, "VEC4", G.UBYTE, target=G.ARRAY_BUFFER)
    wa, dw = d.accessor(weights, "VEC4")
    ja2, _ = d.accessor(joints, "VEC4", G.USHORT)
    # u8-normalised weights must sum to exactly 255 per vertex.
    w8 = [[round(c * 255) for c in w] for w in weights]
    for w in w8:
        w[max(range(4), key=lambda k: w[k])] += 255 - sum(w)
    wa2, dw2 = d.accessor([[c / 255 for c in w] for w in w8], "VEC4", G.UBYTE, True)
    prims = [{"attributes": {"POSITION": pa, "JOINTS_0": ja, "WEIGHTS_0": wa}, "indices": ia,
              "material": mat},
             {"attributes": {"POSITION": pa, "JOINTS_0": ja2, "WEIGHTS_0": wa2}, "indices": ia,
              "material": mat}]
    mesh = d.add("meshes", {"name": "Bar", "primitives": prims})
    j_local = [(0, 0, 0), (0, 1.0, 0), (0, 1.0, 0)]
    binds = [M.trs((0, 0, 0)), M.trs((0, 1.0, 0)), M.trs((0, 2.0, 0))]
    ibm = [M.invert_rigid_scaled(b) for b in binds]
    ibm_acc = d.accessor([tuple(m) for m in ibm], "MAT4", target=None)[0]
    d.j["nodes"] = [
        {"name": "Figure", "mesh": mesh, "skin": 0},
        {"name": "J0", "translation": list(j_local[0]), "children": [2]},
        {"name": "J1", "translation": list(j_local[1]), "children": [3]},
        {"name": "J2", "translation": list(j_local[2])},
    ]
    d.add("skins", {"name": "Chain", "joints": [1, 2, 3], "inverseBindMatrices": ibm_acc,
                    "skeleton": 1})
    bend = [M.quat_axis((0, 0, 1), 0.0), M.quat_axis((0, 0, 1), math.pi / 2)]
    d.add("animations", {"name": "Bend", "samplers": [
        {"input": _keys(d, [0.0, 1.0]), "output": d.accessor(bend, "VEC4", target=None)[0]}],
        "channels": [{"sampler": 0, "target": {"node": 2, "path": "rotation"}}]})
    cam = view.add_to(d)
    d.j["scene"] = d.add("scenes", {"nodes": [0, 1, cam]})
    f = d.write(os.path.join(out, "skin"), "glb")

    def joint_mats(t):
        r1 = M.sample([0.0, 1.0], bend, "LINEAR", t, rotation=True)
        w0 = M.trs(j_local[0])
        w1 = M.mul(w0, M.trs(j_local[1], r1))
        w2 = M.mul(w1, M.trs(j_local[2]))
        return [w0, w1, w2], [M.mul(w, i) for w, i in zip((w0, w1, w2), ibm)]

    poses = []
    for t in (0.0, 0.5, 1.0):
        worlds, mats = joint_mats(t)
        poses.append({"animation": "Bend", "t": t, "tolerance": 2e-3,
                      "nodes": [{"name": "J%d" % k, "world": w} for k, w in enumerate(worlds)],
                      "joints": [{"skin": 0, "matrices": mats}]})
    # At t=1 the top ring (only on J2) has turned to point along -X from (0,1).
    _, mats = joint_mats(1.0)
    top = M.transform(mats[2], (0.0, 2.0, 0.0))
    checks_rest = [view.check(0.0, 1.8, (255, S.srgb(0.5), 0), "bar upright at rest", 10)]
    checks_bent = [view.check(top[0] + 0.2, top[1], (255, S.srgb(0.5), 0), "top bent to -X", 10),
                   view.check(0.0, 1.8, [S.srgb(0.18), S.srgb(0.2), S.srgb(0.23)],
                              "clear colour above the bend", 10)]
    return [{"file": "skin/" + f, "features": [
        "skin with three joints", "several joints per vertex", "JOINTS_0 UNSIGNED_BYTE/SHORT",
        "WEIGHTS_0 FLOAT and UNSIGNED_BYTE normalized", "inverseBindMatrices", "skinned .glb"],
        "expect": {
        "counts": _counts(nodes=5, meshes=2, materials=1, skins=1, cameras=1, animations=1,
                          triangles=64),
        "meshes": [{"mesh": 0, "vertex_count": 20, "skin": 0, "joints": True,
                    "vertices": [{"i": 8, "joints": dj[8], "weights": dw[8]}]},
                   {"mesh": 1, "vertex_count": 20, "skin": 0, "joints": True,
                    "vertices": [{"i": 8, "weights": [c / 255 for c in w8[8]]}]}],
        "skins": [{"skin": 0, "joints": ["J0", "J1", "J2"], "inverse_bind": ibm}],
        "poses": poses,
        "render": [view.render(checks_rest, 0.0), view.render(checks_bent, 1.0)]}}]


def morph(out):
    """A quad with two morph targets: POSITION deltas, and a sparse target
    without a buffer view; default weights; a weights animation."""
    d = G.Doc("morph")
    pos, nrm, uv = S.quad(-0.5, -0.5, 0.5, 0.5)
    t0 = [(0.0, 0.5, 0.0), (0.0, 0.5, 0.0), (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)]
    pa = d.accessor(pos, "VEC3", minmax=True)[0]
    na = d.accessor(nrm, "VEC3")[0]
    ta0 = d.accessor(t0, "VEC3", minmax=True)[0]
    ta1, d1 = d.sparse_accessor([(0.0, 0.0, 0.0)] * 4, {2: (1.0, 0.0, 0.0)}, "VEC3",
                                with_view=False, minmax=True)
    mesh = d.add("meshes", {"name": "Morph", "weights": [0.25, 0.0], "primitives": [{
        "attributes": {"POSITION": pa, "NORMAL": na}, "indices": d.indices(S.QUAD_IDX),
        "targets": [{"POSITION": ta0}, {"POSITION": ta1}]}]})
    d.j["nodes"] = [{"name": "Morphed", "mesh": mesh}]
    w = [(0.0, 0.0), (1.0, 0.5)]
    d.add("animations", {"name": "Grow", "samplers": [{
        "input": _keys(d, [0.0, 2.0]),
        "output": d.accessor([(c,) for key in w for c in key], "SCALAR", target=None)[0]}],
        "channels": [{"sampler": 0, "target": {"node": 0, "path": "weights"}}]})
    d.j["scene"] = d.add("scenes", {"nodes": [0]})
    f = d.write(os.path.join(out, "morph"), "bin")
    return [{"file": "morph/" + f, "features": ["morph targets", "sparse morph target",
                                                "mesh default weights", "weights animation"],
             "expect": {
        "counts": _counts(nodes=1, meshes=1, animations=1, triangles=2),
        "meshes": [{"mesh": 0, "morph_targets": 2, "default_weights": [0.25, 0.0],
                    "targets": [{"target": 0, "vertex": 0, "position": list(t0[0])},
                                {"target": 1, "vertex": 2, "position": d1[2]},
                                {"target": 1, "vertex": 1, "position": [0, 0, 0]}]}],
        "poses": [{"animation": "Grow", "t": 1.0, "weights": [{"name": "Morphed",
                                                               "values": [0.5, 0.25]}]},
                  {"animation": "Grow", "t": 2.0, "weights": [{"name": "Morphed",
                                                               "values": [1.0, 0.5]}]}]}}]
