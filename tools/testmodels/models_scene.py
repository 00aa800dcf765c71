# SPDX-License-Identifier: Apache-2.0
"""Node trees (TRS and matrices), cameras, punctual lights, several scenes
and an extension Stoa only warns about."""
import math
import os

import gltfw as G
import shapes as S
import tmath as M
from models_basic import _counts


def _cube_mesh(d, name="Cube", material=None):
    pos, nrm, uv, idx = S.cube(0.25)
    prim = {"attributes": {"POSITION": d.accessor(pos, "VEC3", minmax=True)[0],
                           "NORMAL": d.accessor(nrm, "VEC3")[0]}, "indices": d.indices(idx)}
    if material is not None:
        prim["material"] = material
    return d.add("meshes", {"name": name, "primitives": [prim]})


def nodes(out):
    d = G.Doc("nodes")
    d.use("KHR_lights_punctual")
    mesh = _cube_mesh(d)
    r_root = M.quat_axis((0, 1, 0), math.pi / 2)
    m_child = M.trs((0.0, 2.0, 0.0), M.quat_axis((1, 0, 0), math.pi / 4), (1.0, 0.5, 2.0))
    r_leaf = M.quat_axis((0, 0, 1), -math.pi / 6)
    d.j["nodes"] = [
        {"name": "Root", "translation": [1.0, 0.0, -2.0], "rotation": r_root, "scale": [2, 2, 2],
         "children": [1]},
        {"name": "MatrixChild", "matrix": m_child, "children": [2, 3, 4, 5, 6]},
        {"name": "Leaf", "translation": [0.0, 0.0, 1.0], "rotation": r_leaf, "mesh": mesh},
        {"name": "PerspectiveCam", "camera": 0, "translation": [0, 0, 3]},
        {"name": "OrthoCam", "camera": 1},
        {"name": "Sun", "extensions": {"KHR_lights_punctual": {"light": 0}},
         "rotation": M.quat_axis((1, 0, 0), -math.pi / 3)},
        {"name": "Lamp", "extensions": {"KHR_lights_punctual": {"light": 1}},
         "translation": [0, 1, 0], "children": [7]},
        {"name": "Spot", "extensions": {"KHR_lights_punctual": {"light": 2}},
         "translation": [0.5, 0, 0]},
        {"name": "InfiniteCam", "camera": 2, "translation": [0, 1, 5]},
    ]
    d.j["cameras"] = [
        {"name": "Persp", "type": "perspective",
         "perspective": {"yfov": 0.7, "aspectRatio": 1.5, "znear": 0.1, "zfar": 100.0}},
        {"name": "Ortho", "type": "orthographic",
         "orthographic": {"xmag": 2.0, "ymag": 1.5, "znear": 0.01, "zfar": 50.0}},
        {"name": "Infinite", "type": "perspective", "perspective": {"yfov": 1.0, "znear": 0.05}}]
    d.j["extensions"] = {"KHR_lights_punctual": {"lights": [
        {"name": "SunLight", "type": "directional", "color": [1.0, 0.9, 0.8], "intensity": 3.0},
        {"name": "LampLight", "type": "point", "color": [0.2, 0.4, 1.0], "intensity": 20.0,
         "range": 10.0},
        {"name": "SpotLight", "type": "spot", "intensity": 50.0,
         "spot": {"innerConeAngle": 0.3, "outerConeAngle": 0.6}}]}}
    d.j["scene"] = d.add("scenes", {"nodes": [0, 8]})
    f = d.write(os.path.join(out, "nodes"), "bin")
    w_root = M.trs((1.0, 0.0, -2.0), r_root, (2, 2, 2))
    w_child = M.mul(w_root, m_child)
    w_leaf = M.mul(w_child, M.trs((0.0, 0.0, 1.0), r_leaf))
    w_lamp = M.mul(w_child, M.trs((0, 1, 0)))
    w_spot = M.mul(w_lamp, M.trs((0.5, 0, 0)))
    corners = [M.transform(w_leaf, (x, y, z)) for x in (-.25, .25) for y in (-.25, .25)
               for z in (-.25, .25)]
    bounds = [[min(c[k] for c in corners) for k in range(3)],
              [max(c[k] for c in corners) for k in range(3)]]
    return [{"file": "nodes/" + f, "features": [
        "node hierarchy", "TRS and matrix nodes", "non-uniform scale", "perspective camera",
        "infinite perspective camera", "orthographic camera",
        "KHR_lights_punctual directional, point, spot"], "expect": {
        "counts": _counts(nodes=9, meshes=1, cameras=3, lights=3, triangles=12),
        "bounds": bounds,
        "nodes": [{"name": "Root", "world": w_root}, {"name": "MatrixChild", "world": w_child},
                  {"name": "Leaf", "world": w_leaf, "parent": "MatrixChild"},
                  {"name": "Spot", "world": w_spot, "parent": "Lamp"}],
        "cameras": [{"name": "Persp", "type": "perspective", "yfov": 0.7, "aspect": 1.5,
                     "znear": 0.1, "zfar": 100.0, "node": "PerspectiveCam"},
                    {"name": "Ortho", "type": "orthographic", "xmag": 2.0, "ymag": 1.5,
                     "znear": 0.01, "zfar": 50.0, "node": "OrthoCam"},
                    {"name": "Infinite", "type": "perspective", "yfov": 1.0, "aspect": 0.0,
                     "znear": 0.05, "zfar": 0.0, "node": "InfiniteCam"}],
        "lights": [{"node": "Sun", "type": "directional", "color": [1.0, 0.9, 0.8],
                    "intensity": 3.0, "range": 0.0},
                   {"node": "Lamp", "type": "point", "color": [0.2, 0.4, 1.0], "intensity": 20.0,
                    "range": 10.0},
                   {"node": "Spot", "type": "spot", "color": [1, 1, 1], "intensity": 50.0,
                    "inner": 0.3, "outer": 0.6}]}}]


def scenes(out):
    """Two scenes; the default (scenes[1]) is the one loaded, with a warning."""
    d = G.Doc("scenes")
    red = d.add("materials", {"name": "Red", "pbrMetallicRoughness": {
        "baseColorFactor": [1, 0, 0, 1]}})
    mesh = _cube_mesh(d, material=red)
    a = d.add("nodes", {"name": "OnlyInA", "mesh": mesh, "translation": [-3, 0, 0]})
    b1 = d.add("nodes", {"name": "B1", "mesh": mesh, "translation": [1, 0, 0]})
    b2 = d.add("nodes", {"name": "B2", "mesh": mesh, "translation": [2, 0, 0]})
    d.add("scenes", {"name": "A", "nodes": [a]})
    d.j["scene"] = d.add("scenes", {"name": "B", "nodes": [b1, b2]})
    f = d.write(os.path.join(out, "scenes"), "bin")
    return [{"file": "scenes/" + f, "features": ["several scenes", "default scene not 0",
                                                 "one mesh instanced by two nodes"], "expect": {
        "counts": _counts(nodes=2, meshes=1, materials=1, triangles=24),
        "bounds": [[0.75, -0.25, -0.25], [2.25, 0.25, 0.25]],
        "absent_nodes": ["OnlyInA"], "warnings": ["2 scenes"]}}]


def texture_transform(out):
    """KHR_texture_transform (optional): loaded, with a warning naming it."""
    d = G.Doc("transform")
    d.use("KHR_texture_transform")
    tex = d.texture(d.image(S.png_image(4, 4, lambda x, y: S.RED), "image/png", "file", "red.png"))
    mat = d.add("materials", {"name": "Tiled", "pbrMetallicRoughness": {"baseColorTexture": {
        "index": tex, "extensions": {"KHR_texture_transform": {"scale": [4, 4]}}}}})
    pos, nrm, uv = S.quad(-1, -1, 1, 1)
    mesh = d.add("meshes", {"primitives": [{"attributes": {
        "POSITION": d.accessor(pos, "VEC3", minmax=True)[0], "TEXCOORD_0": d.accessor(uv, "VEC2")[0]},
        "indices": d.indices(S.QUAD_IDX), "material": mat}]})
    d.j["scene"] = d.add("scenes", {"nodes": [d.add("nodes", {"name": "Tiled", "mesh": mesh})]})
    f = d.write(os.path.join(out, "transform"), "bin")
    return [{"file": "transform/" + f, "features": ["KHR_texture_transform"], "expect": {
        "counts": _counts(nodes=1, meshes=1, materials=1, textures=1, triangles=2),
        "warnings": ["KHR_texture_transform"]}}]
