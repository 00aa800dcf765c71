# SPDX-License-Identifier: Apache-2.0
"""Vertex attribute encodings and materials: every component type a vertex
attribute may use, interleaved and separate views, sparse accessors,
texture coordinates 0 and 1, vertex colours, alpha modes, double-sided,
emissive strength and normal maps with and without tangents."""
import math
import os

import gltfw as G
import shapes as S
from models_basic import _counts


def attributes(out):
    d = G.Doc("attributes")
    d.use("KHR_materials_unlit")
    view = S.OrthoView(0.0, 0.0, 1.5)
    tex = d.texture(d.image(S.png_image(16, 16, S.quadrants(16, 16, (S.RED, S.GREEN, S.BLUE,
                                                                      S.YELLOW))),
                            "image/png", "data", "quadrants"), d.sampler(G.NEAREST, G.NEAREST))
    white = d.add("materials", {"name": "VertexColour", "extensions": {"KHR_materials_unlit": {}}})
    uv1mat = d.add("materials", {"name": "SecondUV", "pbrMetallicRoughness": {
        "baseColorTexture": {"index": tex, "texCoord": 1}},
        "extensions": {"KHR_materials_unlit": {}}})
    meshes, checks, nodes = [], [], []

    def node_for(prims, name):
        m = d.add("meshes", {"name": name, "primitives": prims})
        nodes.append(d.add("nodes", {"name": name, "mesh": m}))

    # A: interleaved POSITION+NORMAL, TEXCOORD_0 u8 normalised, COLOR_0 u8 VEC4, u8 indices.
    pos, nrm, uv = S.quad(-2.0, 0.1, -1.1, 1.0)
    col_a = [(0.2, 0.6, 1.0, 1.0)] * 4
    (pa, dpos), (na, _) = d.interleaved([(pos, "VEC3", G.FLOAT, False),
                                         (nrm, "VEC3", G.FLOAT, False)])
    ta, duv = d.accessor([(0.25, 0.75)] * 4, "VEC2", G.UBYTE, True)
    ca, dcol = d.accessor(col_a, "VEC4", G.UBYTE, True)
    node_for([{"attributes": {"POSITION": pa, "NORMAL": na, "TEXCOORD_0": ta, "COLOR_0": ca},
               "indices": d.indices(S.QUAD_IDX, G.UBYTE), "material": white}], "Interleaved")
    meshes.append({"mesh": 0, "vertex_count": 4, "index_count": 6, "uv0": True, "colors": True,
                   "vertices": [{"i": 1, "position": dpos[1], "uv0": duv[1], "color": dcol[1]}]})
    checks.append(view.check(-1.55, 0.55, [S.srgb(c) for c in dcol[0][:3]], "u8 vertex colour"))

    # B: TEXCOORD_0 u16 normalised, TEXCOORD_1 float (drawn), COLOR_0 u16 VEC3, u32 indices.
    pos, nrm, uv = S.quad(-0.9, 0.1, 0.0, 1.0)
    pa, dpos = d.accessor(pos, "VEC3", minmax=True)
    ta, duv = d.accessor([(0.25, 0.25)] * 4, "VEC2", G.USHORT, True)
    t1, duv1 = d.accessor([(0.75, 0.75)] * 4, "VEC2")
    ca, dcol = d.accessor([(1.0, 1.0, 1.0)] * 4, "VEC3", G.USHORT, True)
    node_for([{"attributes": {"POSITION": pa, "TEXCOORD_0": ta, "TEXCOORD_1": t1, "COLOR_0": ca},
               "indices": d.indices(S.QUAD_IDX, G.UINT), "material": uv1mat}], "SecondUV")
    meshes.append({"mesh": 1, "vertex_count": 4, "index_count": 6, "uv0": True, "uv1": True,
                   "colors": True, "material": uv1mat,
                   "vertices": [{"i": 2, "uv0": duv[2], "uv1": duv1[2], "color": dcol[2] + [1.0]}]})
    checks.append(view.check(-0.45, 0.55, S.YELLOW, "texture through TEXCOORD_1"))

    # C: no indices (6 vertices), COLOR_0 float VEC4, UVs u8 unnormalised are not
    # allowed, so float; separate views.
    pos, nrm, uv = S.quad(0.1, 0.1, 1.0, 1.0)
    pos6 = [pos[i] for i in S.QUAD_IDX]
    col_c = [(1.0, 0.5, 0.0, 1.0)] * 6
    pa, dpos = d.accessor(pos6, "VEC3", minmax=True)
    ca, dcol = d.accessor(col_c, "VEC4")
    node_for([{"attributes": {"POSITION": pa, "COLOR_0": ca}, "material": white}], "NoIndices")
    meshes.append({"mesh": 2, "vertex_count": 6, "index_count": 6, "colors": True,
                   "vertices": [{"i": 5, "position": dpos[5], "color": dcol[5]}]})
    checks.append(view.check(0.55, 0.55, [S.srgb(c) for c in col_c[0][:3]], "float vertex colour"))

    # D: sparse POSITION: every vertex stored at the origin, the sparse part
    # moves all four into place; COLOR_0 float VEC3.
    pos, nrm, uv = S.quad(1.1, 0.1, 2.0, 1.0)
    pa, dpos = d.sparse_accessor([(1.5, 0.5, 0.0)] * 4, {i: pos[i] for i in range(4)}, "VEC3",
                                 minmax=True)
    ca, dcol = d.accessor([(0.3, 1.0, 0.3)] * 4, "VEC3")
    node_for([{"attributes": {"POSITION": pa, "COLOR_0": ca},
               "indices": d.indices(S.QUAD_IDX), "material": white}], "Sparse")
    meshes.append({"mesh": 3, "vertex_count": 4, "index_count": 6,
                   "vertices": [{"i": k, "position": dpos[k]} for k in range(4)]})
    checks.append(view.check(1.55, 0.55, [S.srgb(0.3), 255, S.srgb(0.3)], "sparse positions"))

    # E: sparse accessor without a buffer view (zeros + sparse), as UVs u8-normalised.
    pos, nrm, uv = S.quad(-2.0, -1.0, -1.1, -0.1)
    pa, _ = d.accessor(pos, "VEC3", minmax=True)
    ta, duv = d.sparse_accessor([(0.0, 0.0)] * 4, {2: (0.5, 0.25)}, "VEC2", with_view=False)
    ca, _ = d.accessor([(1.0, 1.0, 1.0, 1.0)] * 4, "VEC4", G.USHORT, True)
    node_for([{"attributes": {"POSITION": pa, "TEXCOORD_0": ta, "COLOR_0": ca},
               "indices": d.indices(S.QUAD_IDX), "material": white}], "SparseNoView")
    meshes.append({"mesh": 4, "vertex_count": 4, "uv0": True,
                   "vertices": [{"i": 0, "uv0": [0.0, 0.0]}, {"i": 2, "uv0": duv[2]}]})
    checks.append(view.check(-1.55, -0.55, S.WHITE, "u16 VEC4 white"))

    nodes.append(view.add_to(d))
    d.j["scene"] = d.add("scenes", {"nodes": nodes})
    f = d.write(os.path.join(out, "attributes"), "data")
    return [{"file": "attributes/" + f, "features": [
        "interleaved buffer view (byteStride)", "TEXCOORD_0 UNSIGNED_BYTE/UNSIGNED_SHORT normalized",
        "TEXCOORD_1", "COLOR_0 VEC3/VEC4 UNSIGNED_BYTE/UNSIGNED_SHORT/FLOAT",
        "sparse accessor with and without bufferView", "UNSIGNED_BYTE/SHORT/INT indices",
        "mesh without indices", "image as data: URI"], "expect": {
        "counts": _counts(nodes=6, meshes=5, materials=2, textures=1, cameras=1, triangles=10),
        "meshes": meshes, "render": [view.render(checks)]}}]


def alpha(out):
    """OPAQUE ignores alpha, MASK cuts at alphaCutoff, BLEND mixes with what
    is behind; a back face shows only when the material is double-sided."""
    d = G.Doc("alpha")
    d.use("KHR_materials_unlit")
    unlit = {"KHR_materials_unlit": {}}
    view = S.OrthoView(0.0, 0.0, 1.5)
    nodes, checks = [], []

    def quad_node(name, x0, y0, x1, y1, z, material, flip=False):
        pos, nrm, uv = S.quad(x0, y0, x1, y1, z)
        if flip:  # the same quad, wound the other way: its front faces away
            idx = [0, 2, 1, 0, 3, 2]
        else:
            idx = S.QUAD_IDX
        pa, _ = d.accessor(pos, "VEC3", minmax=True)
        ta, _ = d.accessor(uv, "VEC2")
        m = d.add("meshes", {"name": name, "primitives": [{
            "attributes": {"POSITION": pa, "TEXCOORD_0": ta}, "indices": d.indices(idx),
            "material": material}]})
        nodes.append(d.add("nodes", {"name": name, "mesh": m}))

    backdrop = d.add("materials", {"name": "Backdrop", "pbrMetallicRoughness": {
        "baseColorFactor": [0.0, 0.0, 1.0, 1.0]}, "extensions": unlit})
    quad_node("Backdrop", -2.0, -1.5, 2.0, 1.5, -1.0, backdrop)
    opaque = d.add("materials", {"name": "Opaque", "alphaMode": "OPAQUE", "pbrMetallicRoughness": {
        "baseColorFactor": [1.0, 0.0, 0.0, 0.3]}, "extensions": unlit})
    quad_node("Opaque", -1.8, 0.1, -0.7, 1.2, 0.0, opaque)
    checks.append(view.check(-1.25, 0.65, (255, 0, 0), "OPAQUE ignores alpha 0.3"))
    cut = d.texture(d.image(S.png_image(8, 8, lambda x, y: (255, 255, 255, 0 if x < 4 else 255),
                                        alpha=True), "image/png", "file", "half-clear.png"),
                    d.sampler(G.NEAREST, G.NEAREST))
    mask = d.add("materials", {"name": "Mask", "alphaMode": "MASK", "alphaCutoff": 0.4,
                               "pbrMetallicRoughness": {"baseColorFactor": [0.0, 1.0, 0.0, 1.0],
                                                        "baseColorTexture": {"index": cut}},
                               "extensions": unlit})
    quad_node("Mask", -0.55, 0.1, 0.55, 1.2, 0.0, mask)
    checks.append(view.check(-0.3, 0.65, (0, 0, 255), "MASK: alpha 0 is cut away"))
    checks.append(view.check(0.3, 0.65, (0, 255, 0), "MASK: alpha 1 is kept"))
    blend = d.add("materials", {"name": "Blend", "alphaMode": "BLEND", "pbrMetallicRoughness": {
        "baseColorFactor": [1.0, 0.0, 0.0, 0.5]}, "extensions": unlit})
    quad_node("Blend", 0.7, 0.1, 1.8, 1.2, 0.0, blend)
    checks.append(view.check(1.25, 0.65, (S.srgb(0.5), 0, S.srgb(0.5)),
                             "BLEND: half red over blue, mixed in linear light", 12))
    two = d.add("materials", {"name": "TwoSided", "doubleSided": True, "pbrMetallicRoughness": {
        "baseColorFactor": [1.0, 1.0, 0.0, 1.0]}, "extensions": unlit})
    one = d.add("materials", {"name": "OneSided", "pbrMetallicRoughness": {
        "baseColorFactor": [1.0, 1.0, 0.0, 1.0]}, "extensions": unlit})
    quad_node("BackTwoSided", -1.8, -1.2, -0.2, -0.1, 0.0, two, flip=True)
    quad_node("BackOneSided", 0.2, -1.2, 1.8, -0.1, 0.0, one, flip=True)
    checks.append(view.check(-1.0, -0.65, (255, 255, 0), "double-sided back face is drawn"))
    checks.append(view.check(1.0, -0.65, (0, 0, 255), "single-sided back face is culled"))
    nodes.append(view.add_to(d))
    d.j["scene"] = d.add("scenes", {"nodes": nodes})
    f = d.write(os.path.join(out, "alpha"), "bin")
    mats = [{"material": 1, "alpha_mode": "OPAQUE", "base_color": [1, 0, 0, 0.3]},
            {"material": 2, "alpha_mode": "MASK", "alpha_cutoff": 0.4},
            {"material": 3, "alpha_mode": "BLEND", "base_color": [1, 0, 0, 0.5]},
            {"material": 4, "double_sided": True}, {"material": 5, "double_sided": False}]
    return [{"file": "alpha/" + f, "features": ["alphaMode OPAQUE, MASK (alphaCutoff), BLEND",
                                                "doubleSided", "PNG with alpha"], "expect": {
        "counts": _counts(nodes=7, meshes=6, materials=6, textures=1, cameras=1, triangles=12),
        "materials": mats, "render": [view.render(checks)]}}]


def materials(out):
    """Factors and texture slots as given, and KHR_materials_emissive_strength."""
    d = G.Doc("materials")
    d.use("KHR_materials_emissive_strength")
    img = d.image(S.png_image(4, 4, lambda x, y: (128, 128, 255)), "image/png", "file", "flat.png")
    t = [d.texture(img) for _ in range(5)]
    d.add("materials", {"name": "Everything", "pbrMetallicRoughness": {
        "baseColorFactor": [0.5, 0.25, 0.125, 1.0], "metallicFactor": 0.75, "roughnessFactor": 0.35,
        "baseColorTexture": {"index": t[0]}, "metallicRoughnessTexture": {"index": t[1]}},
        "normalTexture": {"index": t[2], "scale": 0.5},
        "occlusionTexture": {"index": t[3], "strength": 0.8, "texCoord": 1},
        "emissiveTexture": {"index": t[4]}, "emissiveFactor": [1.0, 0.5, 0.25],
        "extensions": {"KHR_materials_emissive_strength": {"emissiveStrength": 4.0}}})
    d.add("materials", {"name": "Defaults"})
    pos, nrm, uv = S.quad(-1, -1, 1, 1)
    pa, _ = d.accessor(pos, "VEC3", minmax=True)
    na, _ = d.accessor(nrm, "VEC3")
    ta, _ = d.accessor(uv, "VEC2")
    ia = d.indices(S.QUAD_IDX)
    prims = [{"attributes": {"POSITION": pa, "NORMAL": na, "TEXCOORD_0": ta, "TEXCOORD_1": ta},
              "indices": ia, "material": m} for m in (0, 1)]
    prims.append({"attributes": {"POSITION": pa, "NORMAL": na}, "indices": ia})
    mesh = d.add("meshes", {"name": "Plates", "primitives": prims})
    d.j["scene"] = d.add("scenes", {"nodes": [d.add("nodes", {"name": "Plates", "mesh": mesh})]})
    f = d.write(os.path.join(out, "materials"), "bin")
    return [{"file": "materials/" + f, "features": [
        "every texture slot", "normalTexture.scale, occlusionTexture.strength and texCoord",
        "KHR_materials_emissive_strength", "material defaults", "primitive without material"],
        "expect": {
        "counts": _counts(nodes=1, meshes=3, materials=2, textures=5, triangles=6),
        "validator_warnings": ["MESH_PRIMITIVE_GENERATED_TANGENT_SPACE"],
        "materials": [{"material": 0, "base_color": [0.5, 0.25, 0.125, 1.0], "metallic": 0.75,
                       "roughness": 0.35, "emissive": [4.0, 2.0, 1.0], "base_texture": 0,
                       "mr_texture": 1, "normal_texture": 2, "normal_scale": 0.5,
                       "occlusion_texture": 3, "occlusion_strength": 0.8,
                       "occlusion_texcoord": 1, "emissive_texture": 4, "alpha_mode": "OPAQUE"},
                      {"material": 1, "base_color": [1, 1, 1, 1], "metallic": 1.0,
                       "roughness": 1.0, "emissive": [0, 0, 0], "alpha_mode": "OPAQUE",
                       "alpha_cutoff": 0.5, "double_sided": False, "unlit": False,
                       "base_texture": -1}],
        "meshes": [{"mesh": 0, "material": 0}, {"mesh": 1, "material": 1},
                   {"mesh": 2, "material": -1}]}}]


def normals(out):
    """Normal-mapped quads: explicit tangents, generated tangents, and
    generated tangents under mirrored UVs (handedness w = -1)."""
    d = G.Doc("normals")
    bump = d.texture(d.image(S.png_image(8, 8, lambda x, y: (128, 128, 255)), "image/png", "file",
                             "flat-normal.png"))
    mat = d.add("materials", {"name": "NormalMapped", "normalTexture": {"index": bump},
                              "pbrMetallicRoughness": {"metallicFactor": 0.0}})
    meshes, nodes = [], []
    for k, (name, mirrored, tangents) in enumerate((("WithTangents", False, True),
                                                    ("Generated", False, False),
                                                    ("Mirrored", True, False))):
        pos, nrm, uv = S.quad(-1.5 + k * 1.1, -0.5, -0.5 + k * 1.1, 0.5)
        if mirrored:
            uv = [(1.0 - u, v) for u, v in uv]
        attrs = {"POSITION": d.accessor(pos, "VEC3", minmax=True)[0],
                 "NORMAL": d.accessor(nrm, "VEC3")[0], "TEXCOORD_0": d.accessor(uv, "VEC2")[0]}
        if tangents:
            attrs["TANGENT"] = d.accessor([(1.0, 0.0, 0.0, 1.0)] * 4, "VEC4")[0]
        m = d.add("meshes", {"name": name, "primitives": [
            {"attributes": attrs, "indices": d.indices(S.QUAD_IDX), "material": mat}]})
        nodes.append(d.add("nodes", {"name": name, "mesh": m}))
        # glTF: bitangent = cross(normal, tangent.xyz) * w points towards
        # decreasing v (up the picture); the tangent towards increasing u.
        tx = -1.0 if mirrored else 1.0
        w = -1.0 if mirrored else 1.0
        meshes.append({"mesh": k, "tangents": True, "vertices": [
            {"i": i, "tangent": [tx, 0.0, 0.0, w], "tolerance": 0.02} for i in range(4)]})
    d.j["scene"] = d.add("scenes", {"nodes": nodes})
    f = d.write(os.path.join(out, "normals"), "bin")
    return [{"file": "normals/" + f, "features": ["TANGENT attribute", "generated tangents",
                                                  "mirrored UVs"], "expect": {
        "counts": _counts(nodes=3, meshes=3, materials=1, textures=1, triangles=6),
        "validator_warnings": ["MESH_PRIMITIVE_GENERATED_TANGENT_SPACE"],
        "meshes": meshes}}]


def material_extensions(out):
    """KHR_materials_* that Stoa approximates (docs/scene-import.md): the
    loaded factors follow the documented rules, and each leaves a warning."""
    d = G.Doc("materials-ext")
    exts = {"KHR_materials_transmission": {"transmissionFactor": 0.5},
            "KHR_materials_volume": {"thicknessFactor": 0.1},
            "KHR_materials_clearcoat": {"clearcoatFactor": 1.0, "clearcoatRoughnessFactor": 0.1},
            "KHR_materials_sheen": {"sheenColorFactor": [1.0, 0.0, 0.0]},
            "KHR_materials_specular": {"specularFactor": 0.5},
            "KHR_materials_ior": {"ior": 1.7}}
    for e in exts:
        d.use(e)
    d.add("materials", {"name": "Glassy", "pbrMetallicRoughness": {
        "baseColorFactor": [0.5, 0.5, 0.5, 1.0], "roughnessFactor": 0.9, "metallicFactor": 0.0},
        "extensions": exts})
    pos, nrm, uv = S.quad(-1, -1, 1, 1)
    mesh = d.add("meshes", {"primitives": [{"attributes": {
        "POSITION": d.accessor(pos, "VEC3", minmax=True)[0], "NORMAL": d.accessor(nrm, "VEC3")[0]},
        "indices": d.indices(S.QUAD_IDX), "material": 0}]})
    d.j["scene"] = d.add("scenes", {"nodes": [d.add("nodes", {"name": "Glassy", "mesh": mesh})]})
    f = d.write(os.path.join(out, "materials-ext"), "bin")
    # transmission 0.5: BLEND, alpha x (1 - 0.8 * 0.5); clearcoat 1 at 0.1: roughness
    # 0.9 + (0.1 - 0.9) * 0.5; sheen red: base towards red by 0.2.
    base = [0.5 + (1.0 - 0.5) * 0.2, 0.5 - 0.5 * 0.2, 0.5 - 0.5 * 0.2, 0.6]
    return [{"file": "materials-ext/" + f, "features": ["KHR_materials_* approximations"],
             "expect": {
        "counts": _counts(nodes=1, meshes=1, materials=1, triangles=2),
        "materials": [{"material": 0, "alpha_mode": "BLEND", "roughness": 0.5,
                       "base_color": base}],
        "warnings": ["KHR_materials_transmission", "KHR_materials_volume",
                     "KHR_materials_clearcoat", "KHR_materials_sheen",
                     "KHR_materials_specular/ior"]}}]
