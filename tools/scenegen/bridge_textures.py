# SPDX-License-Identifier: Apache-2.0
"""Procedural textures of the bridge and the classroom: rows of (r, g, b)
floats in [0, 1], sRGB colour, tiling. Mesh UVs are metres divided by 2, so
one tile is 2 x 2 m unless noted."""
from noise import fbm, hash01
from raster2d import mix, smoothstep

S = 128


def ashlar(base=(0.66, 0.64, 0.60), block=(1.0, 0.5), seed=41):
    """Grey limestone blocks in courses offset by half a block, joints
    darker: the Zhaozhou bridge's stone (a 2 m tile)."""
    mottle = fbm(S, S, 4, 4, seed)
    ppm = S / 2.0
    bw, bh = block[0] * ppm, block[1] * ppm
    rows = []
    for y in range(S):
        course = int(y / bh)
        cy = y % bh
        row = []
        for x in range(S):
            xs = (x + (bw / 2 if course % 2 else 0)) % S
            cx = xs % bw
            edge = min(cx, bw - cx, cy, bh - cy)
            joint = 1 - smoothstep(0.6, 1.8, edge)
            tint = 0.88 + 0.16 * hash01(int(xs / bw), course, seed)
            m = 0.88 + 0.24 * mottle[y][x]
            stone = tuple(c * tint * m for c in base)
            row.append(mix(stone, (0.33, 0.32, 0.30), joint))
        rows.append(row)
    return rows


def water():
    """Muddy green river water with ripples."""
    n = fbm(S, S, 4, 4, 51)
    r = fbm(S, S, 16, 2, 53, aspect=(1, 4))
    return [[mix((0.16, 0.27, 0.26), (0.30, 0.42, 0.40), 0.6 * a + 0.4 * b) for a, b in zip(na, rb)]
            for na, rb in zip(n, r)]


def grass():
    """Short grass on earth, in patches."""
    n = fbm(S, S, 4, 4, 61)
    f = fbm(S, S, 32, 1, 67)
    return [[mix(mix((0.30, 0.38, 0.17), (0.46, 0.40, 0.26), smoothstep(0.55, 0.75, a)),
                 (0.22, 0.30, 0.12), 0.5 * b) for a, b in zip(na, fb)] for na, fb in zip(n, f)]


def plain(colour, grain=0.08, seed=71):
    """A flat colour with a little grain (painted walls, plastic, metal)."""
    n = fbm(S, S, 8, 3, seed)
    return [[tuple(c * (1 - grain + 2 * grain * v) for c in colour) for v in row] for row in n]


def floor_tiles():
    """Classroom floor: 0.5 m vinyl tiles (a 2 m tile)."""
    n = fbm(S, S, 8, 3, 81)
    t = S // 4
    rows = []
    for y, nrow in enumerate(n):
        row = []
        for x, v in enumerate(nrow):
            edge = min(x % t, t - x % t, y % t, t - y % t)
            tile = tuple(c * (0.92 + 0.12 * v) for c in (0.62, 0.60, 0.55))
            row.append(mix(tile, (0.40, 0.38, 0.35), 1 - smoothstep(0.5, 1.5, edge)))
        rows.append(row)
    return rows
