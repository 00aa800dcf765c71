# SPDX-License-Identifier: Apache-2.0
"""Matrix and quaternion arithmetic for the expectations the generator
writes (column-major 4x4 matrices as flat lists of 16, quaternions x,y,z,w),
and glTF animation sampling (3.11, Appendix C) done independently of Stoa."""
import math


def identity():
    return [1.0 if i % 5 == 0 else 0.0 for i in range(16)]


def mul(a, b):
    out = [0.0] * 16
    for c in range(4):
        for r in range(4):
            out[c * 4 + r] = sum(a[k * 4 + r] * b[c * 4 + k] for k in range(4))
    return out


def trs(t=(0, 0, 0), r=(0, 0, 0, 1), s=(1, 1, 1)):
    x, y, z, w = r
    m = [1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w), 0,
         2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w), 0,
         2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y), 0,
         t[0], t[1], t[2], 1]
    for c in range(3):
        for k in range(3):
            m[c * 4 + k] *= s[c]
    return [float(v) for v in m]


def transform(m, p):
    return [m[0] * p[0] + m[4] * p[1] + m[8] * p[2] + m[12],
            m[1] * p[0] + m[5] * p[1] + m[9] * p[2] + m[13],
            m[2] * p[0] + m[6] * p[1] + m[10] * p[2] + m[14]]


def invert_rigid_scaled(m):
    """Inverse of a TRS matrix (any invertible affine matrix, by cofactors)."""
    a = [[m[c * 4 + r] for c in range(3)] for r in range(3)]
    det = (a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
           a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
           a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]))
    inv = [[0.0] * 3 for _ in range(3)]
    for r in range(3):
        for c in range(3):
            rr = [i for i in range(3) if i != c]
            cc = [i for i in range(3) if i != r]
            minor = a[rr[0]][cc[0]] * a[rr[1]][cc[1]] - a[rr[0]][cc[1]] * a[rr[1]][cc[0]]
            inv[r][c] = (-1) ** (r + c) * minor / det
    t = [m[12], m[13], m[14]]
    out = [0.0] * 16
    for r in range(3):
        for c in range(3):
            out[c * 4 + r] = inv[r][c]
        out[12 + r] = -sum(inv[r][k] * t[k] for k in range(3))
    out[15] = 1.0
    return out


def quat_axis(axis, angle):
    n = math.sqrt(sum(c * c for c in axis))
    s = math.sin(angle / 2) / n
    return [axis[0] * s, axis[1] * s, axis[2] * s, math.cos(angle / 2)]


def normalize(q):
    n = math.sqrt(sum(c * c for c in q))
    return [c / n for c in q]


def slerp(a, b, t):
    d = sum(x * y for x, y in zip(a, b))
    if d < 0:
        b, d = [-c for c in b], -d
    if d > 0.9995:
        return normalize([x + (y - x) * t for x, y in zip(a, b)])
    th = math.acos(d)
    sa, sb = math.sin((1 - t) * th) / math.sin(th), math.sin(t * th) / math.sin(th)
    return [sa * x + sb * y for x, y in zip(a, b)]


def sample(times, values, interp, t, rotation=False):
    """values: per key a list (LINEAR/STEP) or (in, value, out) lists (CUBICSPLINE)."""
    if t <= times[0]:
        k = 0
        v = values[0][1] if interp == "CUBICSPLINE" else values[0]
        return normalize(v) if rotation else list(v)
    if t >= times[-1]:
        v = values[-1][1] if interp == "CUBICSPLINE" else values[-1]
        return normalize(v) if rotation else list(v)
    k = max(i for i in range(len(times)) if times[i] <= t)
    t0, t1 = times[k], times[k + 1]
    u = (t - t0) / (t1 - t0)
    if interp == "STEP":
        return list(values[k])
    if interp == "LINEAR":
        if rotation:
            return slerp(values[k], values[k + 1], u)
        return [a + (b - a) * u for a, b in zip(values[k], values[k + 1])]
    dt = t1 - t0
    p0, m0 = values[k][1], values[k][2]
    p1, m1 = values[k + 1][1], values[k + 1][0]
    h00, h10 = 2 * u ** 3 - 3 * u ** 2 + 1, u ** 3 - 2 * u ** 2 + u
    h01, h11 = -2 * u ** 3 + 3 * u ** 2, u ** 3 - u ** 2
    v = [h00 * a + h10 * dt * b + h01 * c + h11 * dt * d for a, b, c, d in zip(p0, m0, p1, m1)]
    return normalize(v) if rotation else v
