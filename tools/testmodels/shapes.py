# SPDX-License-Identifier: Apache-2.0
"""Geometry, images and cameras shared by the test models, and the
arithmetic that says where a point lands in a picture."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenegen"))

import png  # noqa: E402  (tools/scenegen/png.py)

QUAD_IDX = [0, 1, 2, 0, 2, 3]


def quad(x0, y0, x1, y1, z=0.0):
    """A quad facing +Z: positions, normals, UVs (glTF: v grows downwards)."""
    pos = [(x0, y0, z), (x1, y0, z), (x1, y1, z), (x0, y1, z)]
    nrm = [(0.0, 0.0, 1.0)] * 4
    uv = [(0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)]
    return pos, nrm, uv


def cube(h=0.5):
    """24 vertices (4 a face, with their own normals and UVs), 36 indices."""
    faces = [((0, 0, 1), (1, 0, 0), (0, 1, 0)), ((0, 0, -1), (-1, 0, 0), (0, 1, 0)),
             ((1, 0, 0), (0, 0, -1), (0, 1, 0)), ((-1, 0, 0), (0, 0, 1), (0, 1, 0)),
             ((0, 1, 0), (1, 0, 0), (0, 0, -1)), ((0, -1, 0), (1, 0, 0), (0, 0, 1))]
    pos, nrm, uv, idx = [], [], [], []
    for n, u, v in faces:
        base = len(pos)
        for su, sv, tu, tv in ((-1, -1, 0, 1), (1, -1, 1, 1), (1, 1, 1, 0), (-1, 1, 0, 0)):
            pos.append(tuple(h * (n[k] + su * u[k] + sv * v[k]) for k in range(3)))
            nrm.append(n)
            uv.append((tu, tv))
        idx += [base + i for i in QUAD_IDX]
    return pos, nrm, uv, idx


def png_image(w, h, fn, alpha=False):
    """fn(x, y) -> (r, g, b[, a]) bytes per pixel; returns PNG bytes."""
    ch = 4 if alpha else 3
    px = bytearray()
    for y in range(h):
        for x in range(w):
            px += bytes(fn(x, y)[:ch])
    return png.encode(w, h, bytes(px), ch)


def quadrants(w, h, colours):
    """colours: top-left, top-right, bottom-left, bottom-right."""
    def fn(x, y):
        return colours[(2 if y >= h // 2 else 0) + (1 if x >= w // 2 else 0)]
    return fn


RED, GREEN, BLUE, YELLOW = (230, 40, 40), (40, 200, 60), (40, 60, 220), (240, 220, 40)
WHITE = (255, 255, 255)


def srgb(c):
    """Linear 0..1 to an 8-bit sRGB value (IEC 61966-2-1)."""
    c = min(max(c, 0.0), 1.0)
    v = c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
    return int(round(v * 255))


def linear(v8):
    c = v8 / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


class OrthoView:
    """An orthographic camera at (cx, cy, 10) looking down -Z, as glTF
    cameras look, with half-height ymag; `stoa render --camera` takes the
    horizontal extent from the picture's aspect (ymag * W / H)."""

    def __init__(self, cx, cy, ymag, size=(160, 120), name="Check"):
        self.cx, self.cy, self.ymag, self.size, self.name = cx, cy, ymag, size, name

    def add_to(self, doc):
        w, h = self.size
        cam = doc.add("cameras", {"name": self.name, "type": "orthographic",
                                  "orthographic": {"xmag": self.ymag * w / h, "ymag": self.ymag,
                                                   "znear": 0.1, "zfar": 100.0}})
        return doc.add("nodes", {"name": self.name + "Node", "camera": cam,
                                 "translation": [self.cx, self.cy, 10.0]})

    def pixel(self, x, y):
        w, h = self.size
        px = (x - self.cx) / (self.ymag * w / h) * (w / 2) + w / 2
        py = h / 2 - (y - self.cy) / self.ymag * (h / 2)
        return int(px), int(py)

    def check(self, x, y, rgb, what, tol=8):
        px, py = self.pixel(x, y)
        return [px, py, rgb[0], rgb[1], rgb[2], tol, what]

    def render(self, pixels, time=0.0):
        return {"camera": self.name, "size": list(self.size), "time": time, "pixels": pixels}
