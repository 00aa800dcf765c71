# SPDX-License-Identifier: Apache-2.0
"""Deterministic, tileable value noise as whole rows of floats.

Fields are built row-wise (interpolate the lattice horizontally once, then
blend two such rows per image row) because per-pixel noise calls are far too
slow in pure Python. An integer hash replaces `random`, so the output depends
on nothing but the arguments.
"""


def hash01(i, j, seed):
    h = (i * 374761393 + j * 668265263 + seed * 2147483647) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 1274126177) & 0xFFFFFFFF
    h ^= h >> 16
    return (h & 0xFFFFFF) / float(0x1000000)


def _smooth(t):
    return t * t * (3 - 2 * t)


def _weights(size, cells):
    out = []
    for x in range(size):
        f = x * cells / size
        i0 = int(f)
        out.append((i0 % cells, (i0 + 1) % cells, _smooth(f - i0)))
    return out


def field(width, height, cells_x, cells_y, seed):
    """Value noise in [0, 1], tiling over the image: rows of floats."""
    lat = [[hash01(i, j, seed) for i in range(cells_x)] for j in range(cells_y)]
    wx = _weights(width, cells_x)
    lat_rows = [[r[a] + (r[b] - r[a]) * t for a, b, t in wx] for r in lat]
    rows = []
    for a, b, t in _weights(height, cells_y):
        ra, rb = lat_rows[a], lat_rows[b]
        rows.append([p + (q - p) * t for p, q in zip(ra, rb)])
    return rows


def fbm(width, height, cells, octaves, seed, aspect=(1, 1)):
    """Sum of octaves (each twice as fine, half as strong), scaled to [0, 1].
    aspect multiplies the cell counts across and down: (8, 1) gives streaks
    that run down the image (wood grain)."""
    total = [[0.0] * width for _ in range(height)]
    amp, norm = 1.0, 0.0
    for o in range(octaves):
        c = cells << o
        f = field(width, height, c * aspect[0], c * aspect[1], seed + 101 * o)
        total = [[a + b * amp for a, b in zip(trow, frow)] for trow, frow in zip(total, f)]
        norm += amp
        amp *= 0.5
    return [[v / norm for v in row] for row in total]
