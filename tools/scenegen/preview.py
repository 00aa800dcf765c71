# SPDX-License-Identifier: Apache-2.0
"""A throw-away software rasteriser for authors: reads a .glb back from disk
(so it checks the file, not the generator's memory) and draws a few views
with base-colour textures and a plain sun + sky light. Not a renderer: no
normal maps, no shadows, nearest texel, BLEND drawn as fully transparent."""
import json
import math
import os
import struct

import png

_TYPES = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}
_FMT = {5126: "f", 5123: "H", 5125: "I"}


class Glb:
    def __init__(self, path):
        data = open(path, "rb").read()
        magic, _, _ = struct.unpack("<III", data[:12])
        assert magic == 0x46546C67, "not a .glb"
        jlen, _ = struct.unpack("<II", data[12:20])
        self.doc = json.loads(data[20:20 + jlen])
        blen, _ = struct.unpack("<II", data[20 + jlen:28 + jlen])
        self.bin = data[28 + jlen:28 + jlen + blen]
        self._images = {}

    def view_bytes(self, index):
        v = self.doc["bufferViews"][index]
        off = v.get("byteOffset", 0)
        return self.bin[off:off + v["byteLength"]]

    def accessor(self, index):
        a = self.doc["accessors"][index]
        n = _TYPES[a["type"]]
        fmt = "<%d%s" % (a["count"] * n, _FMT[a["componentType"]])
        flat = struct.unpack_from(fmt, self.view_bytes(a["bufferView"]), a.get("byteOffset", 0))
        return [flat[i * n:(i + 1) * n] for i in range(a["count"])]

    def image(self, texture_index):
        src = self.doc["textures"][texture_index]["source"]
        if src not in self._images:
            img = self.doc["images"][src]
            self._images[src] = png.decode(self.view_bytes(img["bufferView"]))
        return self._images[src]


# ---- small matrix helpers (4x4, row-major lists) ----------------------------------

def _mat_mul(a, b):
    return [[sum(a[r][k] * b[k][c] for k in range(4)) for c in range(4)] for r in range(4)]


def _trs(node):
    t = node.get("translation", [0, 0, 0])
    x, y, z, w = node.get("rotation", [0, 0, 0, 1])
    s = node.get("scale", [1, 1, 1])
    r = [[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
         [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
         [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]]
    return [[r[i][0] * s[0], r[i][1] * s[1], r[i][2] * s[2], t[i]] for i in range(3)] + [[0, 0, 0, 1]]


def _apply(m, p, w=1.0):
    return tuple(m[r][0] * p[0] + m[r][1] * p[1] + m[r][2] * p[2] + m[r][3] * w for r in range(3))


def _rigid_inverse(m):
    rt = [[m[c][r] for c in range(3)] for r in range(3)]
    t = [-sum(rt[r][k] * m[k][3] for k in range(3)) for r in range(3)]
    return [rt[r] + [t[r]] for r in range(3)] + [[0, 0, 0, 1]]


def _slerp_key(times, values, t):
    t = min(max(t, times[0]), times[-1])
    for i in range(len(times) - 1):
        if t <= times[i + 1]:
            f = (t - times[i]) / (times[i + 1] - times[i])
            a, b = values[i], values[i + 1]
            d = sum(p * q for p, q in zip(a, b))
            ang = math.acos(min(1.0, abs(d)))
            if ang < 1e-6:
                return a
            sa, sb = math.sin((1 - f) * ang) / math.sin(ang), math.sin(f * ang) / math.sin(ang)
            sb = sb if d >= 0 else -sb
            return [p * sa + q * sb for p, q in zip(a, b)]
    return values[-1]


def world_matrices(glb, anim_time=None):
    """World matrix per node; anim_time poses every animation at that time."""
    nodes = [dict(n) for n in glb.doc["nodes"]]
    if anim_time is not None:
        for anim in glb.doc.get("animations", []):
            for ch in anim["channels"]:
                smp = anim["samplers"][ch["sampler"]]
                times = [t[0] for t in glb.accessor(smp["input"])]
                vals = glb.accessor(smp["output"])
                if ch["target"]["path"] == "rotation":
                    nodes[ch["target"]["node"]]["rotation"] = _slerp_key(times, vals, anim_time)
    world = [None] * len(nodes)

    def visit(i, parent):
        world[i] = _mat_mul(parent, _trs(nodes[i]))
        for c in nodes[i].get("children", []):
            visit(c, world[i])

    ident = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    for root in glb.doc["scenes"][glb.doc.get("scene", 0)]["nodes"]:
        visit(root, ident)
    return world


# ---- the rasteriser ----------------------------------------------------------------

SKY = (0.62, 0.74, 0.88)


class Canvas:
    def __init__(self, w, h):
        self.w, self.h = w, h
        self.colour = [[SKY] * w for _ in range(h)]
        self.depth = [[1e30] * w for _ in range(h)]


def _material_sampler(glb, mat_index):
    mat = glb.doc["materials"][mat_index] if mat_index is not None else {}
    pbr = mat.get("pbrMetallicRoughness", {})
    factor = pbr.get("baseColorFactor", [1, 1, 1, 1])
    if mat.get("alphaMode") == "BLEND" and factor[3] < 0.01:
        return None  # an invisible zone volume
    tex = pbr.get("baseColorTexture")
    if tex is None:
        return lambda u, v: factor[:3]
    w, h, ch, pix = glb.image(tex["index"])

    def sample(u, v):
        x = int((u % 1.0) * w) % w
        y = int((v % 1.0) * h) % h
        i = (y * w + x) * ch
        return (pix[i] / 255 * factor[0], pix[i + 1] / 255 * factor[1], pix[i + 2] / 255 * factor[2])
    return sample


def _shade(base, n, sun):
    lit = max(0.0, -(n[0] * sun[0] + n[1] * sun[1] + n[2] * sun[2]))
    sky = 0.35 + 0.15 * n[1]
    return tuple(min(1.0, c * (0.9 * lit + sky)) for c in base)


def _draw_triangle(cv, verts, sample, sun):
    """verts: (sx, sy, inv_w, depth, u/w, v/w, normal) per corner."""
    (x0, y0, *_), (x1, y1, *_), (x2, y2, *_) = verts
    area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
    if abs(area) < 1e-12:
        return
    xa, xb = max(int(min(x0, x1, x2)), 0), min(int(max(x0, x1, x2)) + 1, cv.w - 1)
    ya, yb = max(int(min(y0, y1, y2)), 0), min(int(max(y0, y1, y2)) + 1, cv.h - 1)
    n = verts[0][6]  # flat shading by the first corner is plenty for a preview
    for py in range(ya, yb + 1):
        cy = py + 0.5
        crow, drow = cv.colour[py], cv.depth[py]
        for px in range(xa, xb + 1):
            cx = px + 0.5
            w0 = ((x1 - cx) * (y2 - cy) - (x2 - cx) * (y1 - cy)) / area
            w1 = ((x2 - cx) * (y0 - cy) - (x0 - cx) * (y2 - cy)) / area
            w2 = 1.0 - w0 - w1
            if w0 < 0 or w1 < 0 or w2 < 0:
                continue
            depth = w0 * verts[0][3] + w1 * verts[1][3] + w2 * verts[2][3]
            if depth >= drow[px]:
                continue
            iw = w0 * verts[0][2] + w1 * verts[1][2] + w2 * verts[2][2]
            u = (w0 * verts[0][4] + w1 * verts[1][4] + w2 * verts[2][4]) / iw
            v = (w0 * verts[0][5] + w1 * verts[1][5] + w2 * verts[2][5]) / iw
            drow[px] = depth
            crow[px] = _shade(sample(u, v), n, sun)


def _clip_near(poly, near):
    """Sutherland-Hodgman against the plane z = -near (camera space)."""
    out = []
    for i, a in enumerate(poly):
        b = poly[(i + 1) % len(poly)]
        ina, inb = a[0][2] <= -near, b[0][2] <= -near
        if ina:
            out.append(a)
        if ina != inb:
            t = (-near - a[0][2]) / (b[0][2] - a[0][2])
            out.append((tuple(p + (q - p) * t for p, q in zip(a[0], b[0])),
                        tuple(p + (q - p) * t for p, q in zip(a[1], b[1])), a[2]))
    return out


def render(glb, view, proj, size, anim_time=None):
    """view: camera's world matrix (camera looks down its -Z). proj:
    ("persp", yfov) or ("ortho", xmag, ymag). Returns a Canvas."""
    cv = Canvas(*size)
    inv = _rigid_inverse(view)
    world = world_matrices(glb, anim_time)
    sun = (0.35, -0.8, -0.5)
    for i, light_node in enumerate(glb.doc["nodes"]):
        if "KHR_lights_punctual" in light_node.get("extensions", {}):
            sun = _apply(world[i], (0, 0, -1), 0.0)
    aspect = size[0] / size[1]
    for ni, node in enumerate(glb.doc["nodes"]):
        if "mesh" not in node:
            continue
        m = _mat_mul(inv, world[ni])
        for prim in glb.doc["meshes"][node["mesh"]]["primitives"]:
            sample = _material_sampler(glb, prim.get("material"))
            if sample is None:
                continue
            pos = [_apply(m, p) for p in glb.accessor(prim["attributes"]["POSITION"])]
            nrm = [_apply(world[ni], n, 0.0) for n in glb.accessor(prim["attributes"]["NORMAL"])]
            uvs = glb.accessor(prim["attributes"]["TEXCOORD_0"])
            idx = [i[0] for i in glb.accessor(prim["indices"])]
            for t in range(0, len(idx), 3):
                corners = [(pos[k], uvs[k], nrm[k]) for k in idx[t:t + 3]]
                _draw_polygon(cv, corners, proj, aspect, sample, sun)
    return cv


def _draw_polygon(cv, corners, proj, aspect, sample, sun):
    if proj[0] == "persp":
        corners = _clip_near(corners, 0.05)
        if len(corners) < 3:
            return
    n = corners[0][2]
    ll = math.sqrt(n[0] ** 2 + n[1] ** 2 + n[2] ** 2) or 1.0
    n = (n[0] / ll, n[1] / ll, n[2] / ll)
    screen = []
    for (x, y, z), (u, v), _ in corners:
        if proj[0] == "persp":
            f = 1 / math.tan(proj[1] / 2)
            iw = 1.0 / -z
            sx, sy, depth = x * f / aspect * iw, y * f * iw, -z
        else:
            iw, sx, sy, depth = 1.0, x / proj[1], y / proj[2], -z
        screen.append(((sx + 1) * 0.5 * cv.w, (1 - sy) * 0.5 * cv.h, iw, depth, u * iw, v * iw, n))
    for i in range(1, len(screen) - 1):
        _draw_triangle(cv, [screen[0], screen[i], screen[i + 1]], sample, sun)


def _look(eye, target):
    f = [t - e for t, e in zip(target, eye)]
    ln = math.sqrt(sum(c * c for c in f))
    z = [-c / ln for c in f]
    up = (0, 1, 0) if abs(z[1]) < 0.99 else (0, 0, -1)
    x = [up[1] * z[2] - up[2] * z[1], up[2] * z[0] - up[0] * z[2], up[0] * z[1] - up[1] * z[0]]
    lx = math.sqrt(sum(c * c for c in x))
    x = [c / lx for c in x]
    y = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]]
    return [[x[0], y[0], z[0], eye[0]], [x[1], y[1], z[1], eye[1]], [x[2], y[2], z[2], eye[2]], [0, 0, 0, 1]]


def _save(cv, path):
    out = bytearray()
    for row in cv.colour:
        for c in row:
            out += bytes(int(max(0.0, min(1.0, k)) * 255 + 0.5) for k in c)
    with open(path, "wb") as f:
        f.write(png.encode(cv.w, cv.h, bytes(out)))
    return path


def _node_index(glb, name):
    return next(i for i, n in enumerate(glb.doc["nodes"]) if n.get("name") == name)


def render_all(glb_path, out_dir):
    glb = Glb(glb_path)
    os.makedirs(out_dir, exist_ok=True)
    world = world_matrices(glb)
    cam_node = _node_index(glb, "OverviewCamera")
    cam = glb.doc["cameras"][glb.doc["nodes"][cam_node]["camera"]]["perspective"]
    spawn = world[_node_index(glb, "Spawn")]
    eye_m = _mat_mul(spawn, [[1, 0, 0, 0], [0, 1, 0, 1.6], [0, 0, 1, 0], [0, 0, 0, 1]])
    views = [
        ("top.png", _look((0, 50, 0), (0, 0, 0.0001)), ("ortho", 16.5, 11.0), (600, 400), None),
        ("front.png", _look((0, 4.5, 40), (0, 4.5, 0)), ("ortho", 16.5, 5.5), (600, 200), None),
        ("overview.png", world[cam_node], ("persp", cam["yfov"]), (640, 360), None),
        ("spawn.png", eye_m, ("persp", math.radians(70)), (640, 360), None),
        ("statue.png", _look((-4.3, 2.3, 4.2), (-6.0, 2.1, 1.0)), ("persp", math.radians(50)), (360, 360), None),
        ("exhibit.png", _look((4.5, 2.1, -5.4), (4.5, 1.8, -7.2)), ("persp", math.radians(50)), (360, 360), None),
        ("door_open.png", _look((2.5, 2.6, -4.5), (0, 1.8, -9.0)), ("persp", math.radians(60)), (480, 360), 2.0),
    ]
    paths = []
    for name, view, proj, size, t in views:
        paths.append(_save(render(glb, view, proj, size, t), os.path.join(out_dir, name)))
    return paths
