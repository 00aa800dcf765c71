# SPDX-License-Identifier: Apache-2.0
"""Procedural textures of the agora. Each function returns rows of (r, g, b)
floats in [0, 1]; colour textures are authored in sRGB, data textures
(normal, metallic-roughness) are linear. All tile unless noted.

World scale (the mesh UVs are metres divided by the scale given here):
marble 2 m, limestone 2 m, wood 2.8 m, roof tiles 2 m, plaster 8 m."""
import math

import greek
from noise import fbm, hash01
from raster2d import mix, normal_map, polyline_segments, smoothstep, stroke_distance

S = 256


def _marble_fields(w, h, seed):
    warp = fbm(w, h, 3, 4, seed)
    fine = fbm(w, h, 8, 3, seed + 7)
    veins = []
    for y in range(h):
        row = []
        for x in range(w):
            # integer frequencies keep the sine periodic over the tile
            t = math.sin(2 * math.pi * (2 * x / w + y / h) + 9.0 * warp[y][x])
            row.append((1 - abs(t)) ** 14)
        veins.append(row)
    return veins, fine


def marble():
    veins, fine = _marble_fields(S, S, 11)
    colour = [[mix((0.92, 0.90, 0.86), (0.48, 0.49, 0.53), 0.7 * v)
               for v in vrow] for vrow in veins]
    colour = [[tuple(c * (0.95 + 0.08 * f) for c in px) for px, f in zip(crow, frow)]
              for crow, frow in zip(colour, fine)]
    height = [[f - 0.6 * v for v, f in zip(vrow, frow)] for vrow, frow in zip(veins, fine)]
    return colour, normal_map(height, 6.0)


def limestone():
    """Paving slabs 1.0 x 0.5 m in courses offset by half a slab: base colour
    and metallic-roughness (G roughness, B metallic; grout is rougher)."""
    mottle = fbm(S, S, 4, 4, 21)
    px_per_m = S / 2.0
    colour, mr = [], []
    for y in range(S):
        course = int(y / (0.5 * px_per_m))
        cy = y % (0.5 * px_per_m)
        crow, mrow = [], []
        for x in range(S):
            xs = (x + (0.5 * px_per_m if course % 2 else 0)) % S
            slab = int(xs / px_per_m)
            cx = xs % px_per_m
            edge = min(cx, px_per_m - cx, cy, 0.5 * px_per_m - cy)
            grout = 1 - smoothstep(1.0, 2.5, edge)
            tint = 0.9 + 0.12 * hash01(slab, course, 5)
            m = mottle[y][x]
            stone = (0.80 * tint * (0.9 + 0.2 * m), 0.74 * tint * (0.9 + 0.2 * m), 0.62 * tint * (0.9 + 0.2 * m))
            crow.append(mix(stone, (0.42, 0.38, 0.32), grout))
            rough = 0.62 + 0.25 * m
            mrow.append((1.0, rough + (0.97 - rough) * grout, 0.0))
        colour.append(crow)
        mr.append(mrow)
    return colour, mr


def bronze():
    """Polished bronze with verdigris in patches: base colour and
    metallic-roughness (the patina is a rough non-metal)."""
    n = fbm(S, S, 4, 5, 31)
    n2 = fbm(S, S, 16, 2, 37)
    colour, mr = [], []
    for nrow, n2row in zip(n, n2):
        crow, mrow = [], []
        for a, b in zip(nrow, n2row):
            patina = smoothstep(0.6, 0.72, a)
            metal = tuple(c * (0.85 + 0.3 * b) for c in (0.78, 0.55, 0.33))
            crow.append(mix(metal, (0.33, 0.58, 0.48), patina))
            mrow.append((1.0, 0.32 + 0.5 * patina, 1.0 - patina))
        colour.append(crow)
        mr.append(mrow)
    return colour, mr


_BLACK = (0.07, 0.05, 0.04)
_CLAY = (0.80, 0.45, 0.24)


def _meander_segments(w, y0, y1, units):
    """A running Greek key between rows y0 and y1, `units` times around."""
    segs = []
    uw, uh = w / units, y1 - y0
    key = [(0.0, 1.0), (0.0, 0.0), (0.8, 0.0), (0.8, 0.62), (0.4, 0.62), (0.4, 0.34)]
    for k in range(units):
        pts = [(k * uw + px * uw, y0 + py * uh) for px, py in key]
        segs += polyline_segments(pts)
        segs.append(((k * uw, y1), ((k + 1) * uw, y1)))  # joins one key to the next
    return segs


def terracotta():
    """The amphora: u goes once around, v from the lip (0) to the foot (1).
    Black lip and foot, a meander band on the shoulder, rays above the foot."""
    w, h = 2 * S, S
    mottle = fbm(w, h, 4, 3, 41)
    band0, band1 = 0.30 * h, 0.42 * h
    key_dist = stroke_distance(w, h, _meander_segments(w, band0 + 5, band1 - 5, 12), 6, wrap_x=True)
    rows = []
    for y in range(h):
        v = y / h
        row = []
        for x in range(w):
            clay = tuple(c * (0.92 + 0.12 * mottle[y][x]) for c in _CLAY)
            black = v < 0.13 or 0.72 < v < 0.79 or v > 0.93
            black = black or abs(y - band0) < 1.6 or abs(y - band1) < 1.6  # band borders
            black = black or abs(v - 0.2) * h < 1.0  # a thin line on the neck
            if 0.80 <= v <= 0.93:  # rays rising from the foot
                frac = (x * 24 / w) % 1.0
                black = abs(frac - 0.5) * 2 < (0.93 - v) / 0.13
            ink = 1.0 if black else 1 - smoothstep(2.0, 3.2, key_dist[y][x])
            row.append(mix(clay, _BLACK, ink))
        rows.append(row)
    return rows


def wood():
    """Vertical planks with grain, dark joints and rows of bronze studs."""
    grain = fbm(S, S, 2, 4, 51, aspect=(12, 1))
    plank_w = 32
    rows = []
    for y in range(S):
        row = []
        for x in range(S):
            plank = x // plank_w
            g = grain[y][(x + plank * 37) % S]
            base = tuple(c * (0.65 + 0.55 * g) * (0.9 + 0.15 * hash01(plank, 0, 53))
                         for c in (0.50, 0.31, 0.17))
            joint = 1 - smoothstep(0.5, 1.6, min(x % plank_w, plank_w - x % plank_w))
            px = mix(base, (0.12, 0.07, 0.04), joint)
            sx, sy = x % plank_w - plank_w / 2, y % 48 - 24
            if sx * sx + sy * sy < 12:
                px = (0.72, 0.56, 0.30) if sx + sy < 0 else (0.45, 0.33, 0.17)
            row.append(px)
        rows.append(row)
    return rows


def roof_tiles():
    """Corinthian-style roof: pan tiles with cover-tile ridges running down
    the slope (u across the eave, v down the slope): colour and normal map."""
    mottle = fbm(S, S, 4, 3, 61)
    spacing, cover_hw, course = 64, 11, 64
    colour, height = [], []
    for y in range(S):
        fy = (y % course) / course
        crow, hrow = [], []
        for x in range(S):
            dx = (x % spacing) - spacing / 2
            c = 1 - (dx / cover_hw) ** 2 if abs(dx) < cover_hw else 0.0
            cover = math.sqrt(c)
            hgt = 1.5 * cover + 0.8 * fy - 0.25 * math.cos(math.pi * dx / spacing) * (1 - cover)
            tile = (x // spacing, y // course)
            tint = 0.85 + 0.25 * hash01(tile[0], tile[1], 67)
            shade = 0.75 + 0.25 * fy  # each course's upper edge lies in the shadow of the one above
            base = tuple(k * tint * shade * (0.9 + 0.2 * mottle[y][x]) for k in (0.70, 0.36, 0.22))
            # cover tiles catch the light; the pans beside them lie in their shadow
            side = smoothstep(cover_hw + 6, cover_hw, abs(dx)) * (1 - cover)
            crow.append(mix(mix(base, (0.78, 0.42, 0.26), 0.3 * cover), (0.25, 0.12, 0.08), 0.5 * side))
            hrow.append(hgt)
        colour.append(crow)
        height.append(hrow)
    return colour, normal_map(height, 2.5)


def plaster():
    """The back wall of the Painted Stoa: a red dado, framed panels of faded
    painting, a blue band under the roof. 8 m per repeat, v = 1 - y / 8."""
    mottle = fbm(S, S, 8, 3, 71)
    paint = fbm(S, S, 3, 3, 73)
    rows = []
    for y in range(S):
        wy = 8.0 * (1 - y / S)  # metres above the ground
        row = []
        for x in range(S):
            wx = 8.0 * x / S
            m = mottle[y][x]
            px = tuple(c * (0.93 + 0.1 * m) for c in (0.90, 0.85, 0.74))
            if wy < 1.5:
                px = tuple(c * (0.9 + 0.15 * m) for c in (0.56, 0.17, 0.12))
            elif wy < 1.62 or 5.5 < wy < 5.62:
                px = (0.12, 0.09, 0.07)
            elif 5.75 < wy < 6.1:
                px = tuple(c * (0.9 + 0.15 * m) for c in (0.20, 0.32, 0.52))
            elif 1.8 < wy < 5.3:
                lx = wx % 4.0
                if 0.3 < lx < 3.7:
                    inside = 0.42 < lx < 3.58 and 1.92 < wy < 5.18
                    if inside:  # a faded scene: sky above, figures of ochre and red below
                        p = paint[y][x]
                        sky = mix((0.55, 0.66, 0.72), (0.85, 0.80, 0.68), smoothstep(4.2, 3.4, wy))
                        fig = mix((0.72, 0.52, 0.28), (0.58, 0.22, 0.16), smoothstep(0.45, 0.6, p))
                        px = mix(sky, fig, smoothstep(0.5, 0.62, p) * smoothstep(4.6, 3.8, wy))
                    else:
                        px = (0.70, 0.50, 0.22)
            row.append(px)
        rows.append(row)
    return rows


def inscription():
    """The stele's face (0.8 x 1.6 m, 256 x 512 px): marble with the text of
    greek.TEXT_LINES cut and painted red, inside a cut border. Colour and
    normal map (the cuts are V-shaped grooves)."""
    w, h = S, 2 * S
    veins, fine = _marble_fields(w, h, 81)
    columns, cell_w = 8, 26
    segs = greek.layout_segments(greek.TEXT_LINES, cell_w=cell_w, cell_h=42, letter_w=18, letter_h=28,
                                 origin=((w - columns * cell_w) / 2, 60), columns=columns)
    border = [(14, 14), (w - 14, 14), (w - 14, h - 14), (14, h - 14), (14, 14)]
    segs += polyline_segments(border)
    dist = stroke_distance(w, h, segs, 4)
    colour, height = [], []
    for y in range(h):
        crow, hrow = [], []
        for x in range(w):
            d = dist[y][x]
            stone = mix((0.93, 0.91, 0.87), (0.5, 0.5, 0.54), 0.6 * veins[y][x])
            stone = tuple(c * (0.95 + 0.08 * fine[y][x]) for c in stone)
            cut = 1 - smoothstep(1.6, 2.8, d)
            crow.append(mix(stone, (0.52, 0.14, 0.09), 0.85 * cut))
            groove = max(0.0, 1 - d / 3.0)
            hrow.append(0.3 * fine[y][x] - 2.0 * groove * groove)
        colour.append(crow)
        height.append(hrow)
    return colour, normal_map(height, 1.2, wrap=False)
