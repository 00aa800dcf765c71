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


def _transform_doc(name, cases, view):
    d = G.Doc(name)
    d.use("KHR_texture_transform")
    d.use("KHR_materials_unlit")
    img = d.image(S.png_image(16, 16, S.quadrants(16, 16, (S.RED, S.GREEN, S.BLUE, S.YELLOW))),
                  "image/png", "file", "quadrants.png")
    tex = d.texture(img, d.sampler(G.NEAREST, G.NEAREST, G.REPEAT, G.REPEAT))
    nodes = []
    for mname, tt, x0 in cases:
        pos, nrm, uv = S.quad(x0, -0.5, x0 + 1.0, 0.5)
        mat = {"name": mname, "pbrMetallicRoughness": {"baseColorTexture": {
            "index": tex, "extensions": {"KHR_texture_transform": tt}}},
            "extensions": {"KHR_materials_unlit": {}}}
        attrs = {"POSITION": d.accessor(pos, "VEC3", minmax=True)[0],
                 "TEXCOORD_0": d.accessor(uv, "VEC2")[0]}
        if "texCoord" in tt:
            attrs["TEXCOORD_1"] = d.accessor([(0.75, 0.75)] * 4, "VEC2")[0]
            # Set 0 stays in use (an occlusion map), as glTF wants sets from 0.
            mat["occlusionTexture"] = {"index": tex}
        mesh = d.add("meshes", {"primitives": [{"attributes": attrs,
                                                "indices": d.indices(S.QUAD_IDX),
                                                "material": d.add("materials", mat)}]})
        nodes.append(d.add("nodes", {"name": mname, "mesh": mesh}))
    nodes.append(view.add_to(d))
    d.j["scene"] = d.add("scenes", {"nodes": nodes})
    return d


def texture_transform(out):
    """KHR_texture_transform on the four-colour texture: offset and scale
    pick one quadrant; a quarter turn moves every quadrant. A second model
    overrides the UV set (texCoord), which gltfpack 0.18 does not keep."""
    view = S.OrthoView(0.0, 0.0, 1.0)
    d = _transform_doc("transform", [("Quadrant", {"offset": [0.5, 0.0], "scale": [0.5, 0.5]},
                                      -1.1),
                                     ("QuarterTurn", {"rotation": math.pi / 2}, 0.1)], view)
    checks = []
    # Quadrant: uv' = (0.5 + u/2, v/2) is the top-right (green) quadrant everywhere.
    for u, v in ((0.2, 0.2), (0.8, 0.8)):
        checks.append(view.check(-1.1 + u, 0.5 - v, S.GREEN, "offset+scale picks green"))
    # Quarter turn: uv' = (v, -u), wrapped by REPEAT.
    for (u, v), c, what in (((0.25, 0.25), S.BLUE, "top-left shows blue"),
                            ((0.75, 0.25), S.RED, "top-right shows red"),
                            ((0.25, 0.75), S.YELLOW, "bottom-left shows yellow"),
                            ((0.75, 0.75), S.GREEN, "bottom-right shows green")):
        checks.append(view.check(0.1 + u, 0.5 - v, c, "quarter turn: " + what))
    f = d.write(os.path.join(out, "transform"), "bin")
    c, sn = math.cos(math.pi / 2), math.sin(math.pi / 2)
    first = {"file": "transform/" + f, "features": ["KHR_texture_transform offset, scale, rotation"],
             "expect": {
        "counts": _counts(nodes=3, meshes=2, materials=2, textures=1, cameras=1, triangles=4),
        "materials": [{"material": 0, "base_uv_matrix": [0.5, 0, 0.5, 0, 0.5, 0]},
                      {"material": 1, "base_uv_matrix": [c, sn, 0, -sn, c, 0]}],
        "render": [view.render(checks)]}}
    view = S.OrthoView(0.0, 0.0, 1.0)
    d = _transform_doc("texcoord", [("SecondSet", {"texCoord": 1}, -0.5)], view)
    f = d.write(os.path.join(out, "texcoord"), "bin")
    second = {"file": "texcoord/" + f, "features": ["KHR_texture_transform texCoord"], "expect": {
        "counts": _counts(nodes=2, meshes=1, materials=1, textures=1, cameras=1, triangles=2),
        "materials": [{"material": 0, "base_texcoord": 1}],
        "render": [view.render([view.check(0.0, 0.0, S.YELLOW,
                                           "texCoord override reads TEXCOORD_1")])]}}
    return [first, second]


def colonnade(out):
    """One column mesh on eight nodes in a row: what glTF Transform's
    `instance` turns into EXT_mesh_gpu_instancing (tests/gltf)."""
    d = G.Doc("colonnade")
    d.use("KHR_materials_unlit")
    white = d.add("materials", {"name": "Marble", "pbrMetallicRoughness": {
        "baseColorFactor": [0.9, 0.85, 0.7, 1.0]}, "extensions": {"KHR_materials_unlit": {}}})
    pos, nrm, uv, idx = S.cube(0.5)
    pos = [(x * 0.3, y * 2.0 + 1.0, z * 0.3) for x, y, z in pos]  # 0.3 x 2 x 0.3 m
    mesh = d.add("meshes", {"name": "Column", "primitives": [{"attributes": {
        "POSITION": d.accessor(pos, "VEC3", minmax=True)[0], "NORMAL": d.accessor(nrm, "VEC3")[0]},
        "indices": d.indices(idx), "material": white}]})
    view = S.OrthoView(0.0, 1.0, 1.5)
    nodes, checks = [], []
    for k in range(8):
        x = -3.5 + k
        nodes.append(d.add("nodes", {"name": "Column%d" % k, "mesh": mesh,
                                     "translation": [x, 0.0, 0.0],
                                     "rotation": M.quat_axis((0, 1, 0), 0.1 * k)}))
        if abs(x) < 1.9:
            checks.append(view.check(x, 1.0, [S.srgb(c) for c in (0.9, 0.85, 0.7)],
                                     "column %d" % k, 10))
    checks.append(view.check(0.0, 1.0, [S.srgb(0.18), S.srgb(0.2), S.srgb(0.23)],
                             "between two columns", 10))
    nodes.append(view.add_to(d))
    d.j["scene"] = d.add("scenes", {"nodes": nodes})
    f = d.write(os.path.join(out, "colonnade"), "bin")
    return [{"file": "colonnade/" + f, "features": ["one mesh on eight nodes"], "expect": {
        "counts": _counts(nodes=9, meshes=1, materials=1, cameras=1, triangles=96),
        "render": [view.render(checks)]}}]
