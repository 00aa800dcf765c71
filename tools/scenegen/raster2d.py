# SPDX-License-Identifier: Apache-2.0
"""2D helpers for procedural textures: packing float pixels into bytes,
normal maps from height fields, and distance fields of stroked lines
(used for the Greek letters and the vase's meander)."""
import math


def clamp01(x):
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def smoothstep(a, b, x):
    t = clamp01((x - a) / (b - a))
    return t * t * (3 - 2 * t)


def mix(a, b, t):
    return tuple(p + (q - p) * t for p, q in zip(a, b))


def pack(rows):
    """rows of (r, g, b) floats in [0, 1] -> RGB bytes, row 0 at the top."""
    out = bytearray()
    for row in rows:
        for px in row:
            out += bytes(int(clamp01(c) * 255 + 0.5) for c in px)
    return bytes(out)


def normal_map(height, strength, wrap=True):
    """Tangent-space normal map from a height field (rows of floats, larger =
    higher). Green is "up in the image" (glTF convention), so a height that
    rises toward the top of the image tilts the normal down."""
    h, w = len(height), len(height[0])
    rows = []
    for y in range(h):
        up_row = height[(y - 1) % h if wrap else max(y - 1, 0)]
        dn_row = height[(y + 1) % h if wrap else min(y + 1, h - 1)]
        row = height[y]
        out = []
        for x in range(w):
            xl = (x - 1) % w if wrap else max(x - 1, 0)
            xr = (x + 1) % w if wrap else min(x + 1, w - 1)
            dx = (row[xr] - row[xl]) * 0.5 * strength
            dy = (dn_row[x] - up_row[x]) * 0.5 * strength  # along image-down
            nx, ny, nz = -dx, dy, 1.0
            n = math.sqrt(nx * nx + ny * ny + nz * nz)
            out.append((nx / n * 0.5 + 0.5, ny / n * 0.5 + 0.5, nz / n * 0.5 + 0.5))
        rows.append(out)
    return rows


def stroke_distance(width, height, segments, reach, wrap_x=False):
    """Distance in pixels from each pixel to the nearest segment, capped at
    `reach` (pixels farther than that keep `reach`). segments: ((x0, y0),
    (x1, y1)) in pixel coordinates. wrap_x: the image tiles horizontally."""
    dist = [[float(reach)] * width for _ in range(height)]
    for (x0, y0), (x1, y1) in segments:
        dx, dy = x1 - x0, y1 - y0
        len2 = dx * dx + dy * dy or 1e-9
        ya, yb = int(math.floor(min(y0, y1) - reach)), int(math.ceil(max(y0, y1) + reach))
        xa, xb = int(math.floor(min(x0, x1) - reach)), int(math.ceil(max(x0, x1) + reach))
        for y in range(max(ya, 0), min(yb, height - 1) + 1):
            drow = dist[y]
            py = y + 0.5
            for x in range(xa, xb + 1):
                if wrap_x:
                    xi = x % width
                elif 0 <= x < width:
                    xi = x
                else:
                    continue
                px = x + 0.5
                t = ((px - x0) * dx + (py - y0) * dy) / len2
                t = 0.0 if t < 0 else 1.0 if t > 1 else t
                ex, ey = px - (x0 + t * dx), py - (y0 + t * dy)
                d = math.sqrt(ex * ex + ey * ey)
                if d < drow[xi]:
                    drow[xi] = d
    return dist


def polyline_segments(points):
    return list(zip(points, points[1:]))


def circle_points(cx, cy, r, n=28):
    return [(cx + r * math.cos(2 * math.pi * k / n), cy + r * math.sin(2 * math.pi * k / n))
            for k in range(n + 1)]
