# SPDX-License-Identifier: Apache-2.0
"""Boxes, textures and the ways glTF stores them: external, data: URI and
.glb buffers; PNG and JPEG images; samplers; accessor encodings."""
import math
import os

import gltfw as G
import jpeg
import shapes as S
import tmath as M


def _counts(**kw):
    base = {"nodes": 0, "meshes": 0, "materials": 0, "textures": 0, "skins": 0,
            "cameras": 0, "lights": 0, "animations": 0}
    base.update(kw)
    return base


def box(out):
    """The simplest model in three storages: a 1 m cube, lit, red, under a root
    node with a matrix (as the Khronos Box)."""
    models = []
    for how, ictype, name, feats in (
            ("bin", G.USHORT, "box", ["external .bin buffer", "UNSIGNED_SHORT indices"]),
            ("glb", G.UINT, "box", [".glb", "UNSIGNED_INT indices"]),
            ("data", G.UBYTE, "box-embedded", ["data: URI buffer", "UNSIGNED_BYTE indices"])):
        d = G.Doc(name)
        pos, nrm, uv, idx = S.cube()
        pa, _ = d.accessor(pos, "VEC3", minmax=True)
        na, _ = d.accessor(nrm, "VEC3")
        ia = d.indices(idx, ictype)
        mat = d.add("materials", {"name": "Red", "pbrMetallicRoughness": {
            "baseColorFactor": [0.8, 0.0, 0.0, 1.0], "metallicFactor": 0.0, "roughnessFactor": 0.6}})
        mesh = d.add("meshes", {"name": "Cube", "primitives": [
            {"attributes": {"POSITION": pa, "NORMAL": na}, "indices": ia, "material": mat}]})
        # A root with a matrix (a quarter turn about Y) over the mesh's node.
        d.add("nodes", {"name": "Box", "matrix": M.trs(r=M.quat_axis((0, 1, 0), math.pi / 2)),
                        "children": [1]})
        d.add("nodes", {"name": "Cube", "mesh": mesh})
        d.j["scene"] = d.add("scenes", {"nodes": [0]})
        f = d.write(os.path.join(out, "box"), how)
        models.append({"file": "box/" + f, "features": feats, "expect": {
            "counts": _counts(nodes=2, meshes=1, materials=1, triangles=12),
            "bounds": [[-0.5, -0.5, -0.5], [0.5, 0.5, 0.5]],
            "nodes": [{"name": "Cube", "parent": "Box",
                       "world": M.trs(r=M.quat_axis((0, 1, 0), math.pi / 2))}],
            "meshes": [{"mesh": 0, "vertex_count": 24, "index_count": 36, "uv0": False,
                        "colors": False, "material": 0,
                        "vertices": [{"i": 0, "position": list(pos[0]), "normal": list(nrm[0])},
                                     {"i": 23, "position": list(pos[23])}]}],
            "materials": [{"material": 0, "base_color": [0.8, 0, 0, 1], "metallic": 0.0,
                           "roughness": 0.6, "alpha_mode": "OPAQUE", "double_sided": False,
                           "unlit": False}]}})
    return models


def textured(out):
    """A cube with a four-colour texture, unlit so the picture is exact;
    external PNG + .bin, and a .glb with the PNG inside."""
    models = []
    image = S.png_image(64, 64, S.quadrants(64, 64, (S.RED, S.GREEN, S.BLUE, S.YELLOW)))
    for how, name in (("bin", "textured"), ("glb", "textured")):
        d = G.Doc(name)
        d.use("KHR_materials_unlit")
        pos, nrm, uv, idx = S.cube()
        pa, _ = d.accessor(pos, "VEC3", minmax=True)
        na, _ = d.accessor(nrm, "VEC3")
        ta, _ = d.accessor(uv, "VEC2")
        ia = d.indices(idx)
        img = d.image(image, "image/png", "file" if how == "bin" else "view", "quadrants.png")
        smp = d.sampler(G.LINEAR, G.LINEAR_MIPMAP_LINEAR, G.REPEAT, G.REPEAT)
        tex = d.texture(img, smp)
        mat = d.add("materials", {"name": "Quadrants", "pbrMetallicRoughness": {
            "baseColorTexture": {"index": tex}, "metallicFactor": 0.0},
            "extensions": {"KHR_materials_unlit": {}}})
        mesh = d.add("meshes", {"name": "Cube", "primitives": [
            {"attributes": {"POSITION": pa, "NORMAL": na, "TEXCOORD_0": ta}, "indices": ia,
             "material": mat}]})
        node = d.add("nodes", {"name": "TexturedBox", "mesh": mesh})
        view = S.OrthoView(0.0, 0.0, 0.6)
        cam = view.add_to(d)
        d.j["scene"] = d.add("scenes", {"nodes": [node, cam]})
        f = d.write(os.path.join(out, "textured"), how)
        q = 0.25
        models.append({"file": "textured/" + f, "features": [
            "PNG image " + ("file" if how == "bin" else "in a buffer view"), "KHR_materials_unlit",
            "orthographic camera"], "expect": {
            "counts": _counts(nodes=2, meshes=1, materials=1, textures=1, cameras=1,
                              triangles=12),
            "textures": [{"texture": 0, "width": 64, "height": 64, "mag": G.LINEAR,
                          "min": G.LINEAR_MIPMAP_LINEAR, "wrap_s": G.REPEAT, "wrap_t": G.REPEAT,
                          "pixels": [[8, 8] + list(S.RED) + [255, 0], [56, 8] + list(S.GREEN) + [255, 0],
                                     [8, 56] + list(S.BLUE) + [255, 0],
                                     [56, 56] + list(S.YELLOW) + [255, 0]]}],
            "materials": [{"material": 0, "unlit": True, "base_texture": 0, "base_texcoord": 0}],
            "meshes": [{"mesh": 0, "vertex_count": 24, "index_count": 36, "uv0": True,
                        "vertices": [{"i": 0, "uv0": list(uv[0])}, {"i": 2, "uv0": list(uv[2])}]}],
            "render": [view.render([view.check(-q, q, S.RED, "top-left quadrant"),
                                    view.check(q, q, S.GREEN, "top-right quadrant"),
                                    view.check(-q, -q, S.BLUE, "bottom-left quadrant"),
                                    view.check(q, -q, S.YELLOW, "bottom-right quadrant")])]}})
    # Not in the manifest (the same cube): a 128x128 texture, so that its
    # scene cache file is over the 64 KiB a key memo copies whole while the
    # header page and geometry are not (the memo copies that front:
    # tests/scene/test_scene_cache_front.c).
    big = S.png_image(128, 128, S.quadrants(128, 128, (S.RED, S.GREEN, S.BLUE, S.YELLOW)))
    d = G.Doc("textured-128")
    d.use("KHR_materials_unlit")
    pos, nrm, uv, idx = S.cube()
    pa, _ = d.accessor(pos, "VEC3", minmax=True)
    attrs = {"POSITION": pa, "NORMAL": d.accessor(nrm, "VEC3")[0],
             "TEXCOORD_0": d.accessor(uv, "VEC2")[0]}
    ia = d.indices(idx)
    tex = d.texture(d.image(big, "image/png", "file", "quadrants-128.png"),
                    d.sampler(G.LINEAR, G.LINEAR_MIPMAP_LINEAR, G.REPEAT, G.REPEAT))
    mat = d.add("materials", {"name": "Quadrants", "pbrMetallicRoughness": {
        "baseColorTexture": {"index": tex}, "metallicFactor": 0.0},
        "extensions": {"KHR_materials_unlit": {}}})
    mesh = d.add("meshes", {"name": "Cube", "primitives": [
        {"attributes": attrs, "indices": ia, "material": mat}]})
    d.j["scene"] = d.add("scenes", {"nodes": [d.add("nodes", {"name": "TexturedBox", "mesh": mesh})]})
    d.write(os.path.join(out, "textured"), "bin")
    return models


def jpeg_model(out):
    """Two quads with JPEG textures: one a file, one a data: URI."""
    d = G.Doc("jpeg")
    d.use("KHR_materials_unlit")
    top, bottom = (200, 60, 40), (40, 120, 200)

    def halves(x, y):
        return top if y < 16 else bottom
    px = bytearray()
    for y in range(32):
        for x in range(32):
            px += bytes(halves(x, y))
    data = jpeg.encode(32, 32, bytes(px), quality=95)
    view = S.OrthoView(0.0, 0.0, 1.2)
    nodes, quads = [], [(-1.1, -0.1, "file", "photo.jpg"), (0.1, 1.1, "data", "inline.jpg")]
    for k, (x0, x1, how, name) in enumerate(quads):
        pos, nrm, uv = S.quad(x0, -1.0, x1, 1.0)
        pa, _ = d.accessor(pos, "VEC3", minmax=True)
        ta, _ = d.accessor(uv, "VEC2")
        ia = d.indices(S.QUAD_IDX)
        tex = d.texture(d.image(data, "image/jpeg", how, name), d.sampler(G.NEAREST, G.NEAREST))
        mat = d.add("materials", {"name": "Jpeg%d" % k, "pbrMetallicRoughness": {
            "baseColorTexture": {"index": tex}}, "extensions": {"KHR_materials_unlit": {}}})
        mesh = d.add("meshes", {"primitives": [{"attributes": {"POSITION": pa, "TEXCOORD_0": ta},
                                                "indices": ia, "material": mat}]})
        nodes.append(d.add("nodes", {"name": "Jpeg%d" % k, "mesh": mesh}))
    nodes.append(view.add_to(d))
    d.j["scene"] = d.add("scenes", {"nodes": nodes})
    f = d.write(os.path.join(out, "jpeg"), "bin")
    checks = []
    for x in (-0.6, 0.6):
        checks += [view.check(x, 0.5, top, "JPEG top half", 10),
                   view.check(x, -0.5, bottom, "JPEG bottom half", 10)]
    tex_px = [[16, 4] + list(top) + [255, 8], [16, 28] + list(bottom) + [255, 8]]
    return [{"file": "jpeg/" + f, "features": ["JPEG image file", "JPEG data: URI",
                                               "normals absent (generated)"], "expect": {
        "counts": _counts(nodes=3, meshes=2, materials=2, textures=2, cameras=1, triangles=4),
        "textures": [{"texture": k, "width": 32, "height": 32, "mag": G.NEAREST, "min": G.NEAREST,
                      "pixels": tex_px} for k in range(2)],
        "render": [view.render(checks)]}}]


def samplers(out):
    """Wrap modes and filters: a two-texel texture (red | green) over quads
    whose u runs 0..2, so each wrap mode gives its own order of colours."""
    d = G.Doc("samplers")
    d.use("KHR_materials_unlit")
    img = d.image(S.png_image(2, 1, lambda x, y: S.RED if x == 0 else S.GREEN), "image/png",
                  "file", "two-texels.png")
    view = S.OrthoView(0.0, -0.3, 2.0)
    rows = [("Repeat", G.REPEAT, [S.RED, S.GREEN, S.RED, S.GREEN]),
            ("Clamp", G.CLAMP, [S.RED, S.GREEN, S.GREEN, S.GREEN]),
            ("Mirror", G.MIRROR, [S.RED, S.GREEN, S.GREEN, S.RED])]
    nodes, checks, tex_expect = [], [], []
    for k, (name, wrap, colours) in enumerate(rows):
        y0 = 1.0 - k * 1.2
        pos, nrm, _ = S.quad(-2.0, y0 - 0.8, 2.0, y0)
        uv = [(0.0, 1.0), (2.0, 1.0), (2.0, 0.0), (0.0, 0.0)]
        pa, _ = d.accessor(pos, "VEC3", minmax=True)
        ta, _ = d.accessor(uv, "VEC2")
        ia = d.indices(S.QUAD_IDX)
        tex = d.texture(img, d.sampler(G.NEAREST, G.NEAREST, wrap, G.CLAMP))
        tex_expect.append({"texture": tex, "width": 2, "height": 1, "mag": G.NEAREST,
                           "min": G.NEAREST, "wrap_s": wrap, "wrap_t": G.CLAMP})
        mat = d.add("materials", {"name": name, "pbrMetallicRoughness": {
            "baseColorTexture": {"index": tex}}, "extensions": {"KHR_materials_unlit": {}}})
        mesh = d.add("meshes", {"primitives": [{"attributes": {"POSITION": pa, "TEXCOORD_0": ta},
                                                "indices": ia, "material": mat}]})
        nodes.append(d.add("nodes", {"name": name, "mesh": mesh}))
        for q, c in enumerate(colours):
            checks.append(view.check(-1.5 + q, y0 - 0.4, c, "%s quarter %d" % (name, q)))
    # Every filter the format names, read back as given (not drawn).
    filters = [(G.NEAREST, G.NEAREST_MIPMAP_NEAREST), (G.LINEAR, G.LINEAR_MIPMAP_NEAREST),
               (G.NEAREST, G.NEAREST_MIPMAP_LINEAR), (G.LINEAR, G.LINEAR_MIPMAP_LINEAR),
               (G.LINEAR, G.LINEAR)]
    for mag, mn in filters:
        tex = d.texture(img, d.sampler(mag, mn, G.MIRROR, G.REPEAT))
        tex_expect.append({"texture": tex, "mag": mag, "min": mn, "wrap_s": G.MIRROR,
                           "wrap_t": G.REPEAT})
    pos, nrm, uv = S.quad(-2.0, -4.6, -1.0, -3.8)  # out of the picture
    pa, _ = d.accessor([pos[i] for i in S.QUAD_IDX], "VEC3", minmax=True)
    ta, _ = d.accessor([uv[i] for i in S.QUAD_IDX], "VEC2")
    prims = []
    for k in range(len(filters)):
        mat = d.add("materials", {"name": "Filter%d" % k, "pbrMetallicRoughness": {
            "baseColorTexture": {"index": 3 + k}}})
        prims.append({"attributes": {"POSITION": pa, "TEXCOORD_0": ta}, "material": mat})
    mesh = d.add("meshes", {"name": "Filters", "primitives": prims})
    nodes.append(d.add("nodes", {"name": "Filters", "mesh": mesh}))
    nodes.append(view.add_to(d))
    d.j["scene"] = d.add("scenes", {"nodes": nodes})
    f = d.write(os.path.join(out, "samplers"), "bin")
    return [{"file": "samplers/" + f, "features": [
        "wrap REPEAT, CLAMP_TO_EDGE, MIRRORED_REPEAT", "every magFilter and minFilter",
        "one image shared by several textures", "primitives without indices"], "expect": {
        "counts": _counts(nodes=5, meshes=3 + len(filters), materials=3 + len(filters),
                          textures=3 + len(filters), cameras=1, triangles=6 + 2 * len(filters)),
        "textures": tex_expect,
        "meshes": [{"mesh": 3, "vertex_count": 6, "index_count": 6}],
        "render": [view.render(checks)]}}]


def large(out):
    """Four 512x512 PNG textures and a 256x256 JPEG in one .glb: enough
    decoding for the deferred-texture tests to catch images mid-decode."""
    d = G.Doc("large")
    d.use("KHR_materials_unlit")
    nodes, tex_expect = [], []

    def noise(seed):
        def fn(x, y):
            h = (x * 73856093 ^ y * 19349663 ^ seed * 83492791) & 0xFFFFFF
            return ((h & 255), (h >> 8) & 255, (h >> 16) & 255)
        return fn
    images = [("png", S.png_image(512, 512, noise(k))) for k in range(4)]
    px = bytearray()
    for y in range(256):
        for x in range(256):
            px += bytes((x, y, 128))
    images.append(("jpeg", jpeg.encode(256, 256, bytes(px), quality=90)))
    for k, (kind, data) in enumerate(images):
        img = d.image(data, "image/" + kind, "view", "layer%d.%s" % (k, kind[:3]))
        tex = d.texture(img, d.sampler(G.LINEAR, G.LINEAR_MIPMAP_LINEAR))
        size = 512 if kind == "png" else 256
        px0 = list(noise(k)(0, 0)) if kind == "png" else [0, 0, 128]
        tex_expect.append({"texture": tex, "width": size, "height": size,
                           "pixels": [[0, 0] + px0 + [255, 0 if kind == "png" else 12]]})
        mat = d.add("materials", {"name": "Layer%d" % k, "pbrMetallicRoughness": {
            "baseColorTexture": {"index": tex}}, "extensions": {"KHR_materials_unlit": {}}})
        pos, nrm, uv = S.quad(-2.5 + k, -0.5, -1.6 + k, 0.5)
        mesh = d.add("meshes", {"primitives": [{"attributes": {
            "POSITION": d.accessor(pos, "VEC3", minmax=True)[0],
            "TEXCOORD_0": d.accessor(uv, "VEC2")[0]}, "indices": d.indices(S.QUAD_IDX),
            "material": mat}]})
        nodes.append(d.add("nodes", {"name": "Layer%d" % k, "mesh": mesh}))
    d.j["scene"] = d.add("scenes", {"nodes": nodes})
    f = d.write(os.path.join(out, "large"), "glb")
    return [{"file": "large/" + f, "features": ["large PNG and JPEG images in a .glb"],
             "expect": {"counts": _counts(nodes=5, meshes=5, materials=5, textures=5,
                                          triangles=10), "textures": tex_expect}}]
