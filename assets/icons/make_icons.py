#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Draws the panels' icons as small RGBA PNGs (64 x 64, white on
transparent, antialiased), from the shapes below: play, pause, raised hand,
right (a tick) and wrong (a cross). Standard library only (the PNG writer of
tools/scenegen); the same bytes on every run.

  assets/icons/make_icons.py [OUT_DIR]     (default: assets/icons)"""
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "scenegen"))
import png  # noqa: E402

N = 64


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def poly_inside(px, py, pts):
    inside = False
    for (ax, ay), (bx, by) in zip(pts, pts[1:] + pts[:1]):
        if (ay > py) != (by > py) and px < ax + (py - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


def poly_sdf(px, py, pts):
    d = min(seg_dist(px, py, *a, *b) for a, b in zip(pts, pts[1:] + pts[:1]))
    return -d if poly_inside(px, py, pts) else d


def strokes_sdf(px, py, segs, width):
    return min(seg_dist(px, py, *a, *b) for a, b in segs) - width / 2


def rect(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def round_rect_sdf(px, py, x0, y0, x1, y1, r):
    cx, cy = min(max(px, x0 + r), x1 - r), min(max(py, y0 + r), y1 - r)
    d = math.hypot(px - cx, py - cy) - r
    return d


SHAPES = {
    "play": lambda x, y: poly_sdf(x, y, [(20, 14), (50, 32), (20, 50)]),
    "pause": lambda x, y: min(poly_sdf(x, y, rect(18, 14, 28, 50)), poly_sdf(x, y, rect(36, 14, 46, 50))),
    # a raised hand: the palm and four fingers up, the thumb out to the side
    "hand": lambda x, y: min([round_rect_sdf(x, y, 19, 30, 45, 56, 6)] +
                             [round_rect_sdf(x, y, fx, top, fx + 5.5, 36, 2.75)
                              for fx, top in ((19.5, 14), (26, 9), (32.5, 10), (39, 15))] +
                             [strokes_sdf(x, y, [((21, 44), (11, 30))], 6)]),
    "right": lambda x, y: strokes_sdf(x, y, [((14, 33), (27, 46)), ((27, 46), (51, 19))], 7),
    "wrong": lambda x, y: strokes_sdf(x, y, [((17, 17), (47, 47)), ((47, 17), (17, 47))], 7),
}


def draw(shape):
    px = bytearray()
    for j in range(N):
        for i in range(N):
            d = shape(i + 0.5, j + 0.5)
            a = max(0.0, min(1.0, 0.5 - d))  # one pixel of antialiasing
            px += bytes((255, 255, 255, int(a * 255 + 0.5)))
    return png.encode(N, N, bytes(px), channels=4)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    os.makedirs(out, exist_ok=True)
    for name, shape in SHAPES.items():
        path = os.path.join(out, name + ".png")
        with open(path, "wb") as f:
            f.write(draw(shape))
        print("make_icons: %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
