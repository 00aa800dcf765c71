# SPDX-License-Identifier: Apache-2.0
"""Solids for the bridge and the classroom: prisms under a curved top
(a profile in x extruded along z), segments of an arch ring, and boxes
centred on a point. Normals are analytic; every triangle is wound so that
its geometric normal agrees with them (counter-clockwise from outside)."""
import math

from geometry import Mesh, cross, dot, normalize, sub


def _tri(mesh, a, b, c):
    pa, pb, pc = mesh.positions[a], mesh.positions[b], mesh.positions[c]
    fn = cross(sub(pb, pa), sub(pc, pa))
    n = mesh.normals[a]
    if dot(fn, n) < 0:
        b, c = c, b
    mesh.tri(a, b, c)


def _quad(mesh, a, b, c, d):
    _tri(mesh, a, b, c)
    _tri(mesh, a, c, d)


def _strip(mesh, rows, uv_scale):
    """rows: lists of two (point, normal) pairs, one row per sample along the
    strip; UVs are the distance along the strip and across it in metres."""
    along = 0.0
    prev = None
    for k, (p, q) in enumerate(rows):
        if k:
            along += math.dist(rows[k - 1][0][0], p[0])
        across = math.dist(p[0], q[0])
        i = mesh.vertex(p[0], p[1], (along / uv_scale, 0.0))
        j = mesh.vertex(q[0], q[1], (along / uv_scale, -across / uv_scale))
        if prev:
            _quad(mesh, prev[0], i, j, prev[1])
        prev = (i, j)


def profile_prism(xa, xb, lo, hi, z0, z1, n=16, uv_scale=2.0, ends=True, bottom=True):
    """The solid between y = lo(x) and y = hi(x) for x in [xa, xb] and z in
    [z0, z1]: front (+z), back, top, bottom and the two end caps."""
    mesh = Mesh()
    xs = [xa + (xb - xa) * i / n for i in range(n + 1)]
    e = (xb - xa) * 1e-3

    def slope(f, x):
        return (f(min(x + e, xb)) - f(max(x - e, xa))) / (min(x + e, xb) - max(x - e, xa))

    for z, nz in ((z1, 1.0), (z0, -1.0)):
        for i in range(n):
            xa_, xb_ = xs[i], xs[i + 1]
            corners = [(xa_, lo(xa_)), (xb_, lo(xb_)), (xb_, hi(xb_)), (xa_, hi(xa_))]
            vs = [mesh.vertex((x, y, z), (0.0, 0.0, nz), (x * nz / uv_scale, -y / uv_scale))
                  for x, y in corners]
            _quad(mesh, *vs)
    _strip(mesh, [(((x, hi(x), z0), normalize((-slope(hi, x), 1.0, 0.0))),
                   ((x, hi(x), z1), normalize((-slope(hi, x), 1.0, 0.0)))) for x in xs], uv_scale)
    if bottom:
        _strip(mesh, [(((x, lo(x), z0), normalize((slope(lo, x), -1.0, 0.0))),
                       ((x, lo(x), z1), normalize((slope(lo, x), -1.0, 0.0)))) for x in xs], uv_scale)
    if ends:
        for x, nx in ((xa, -1.0), (xb, 1.0)):
            if hi(x) - lo(x) < 1e-6:
                continue
            vs = [mesh.vertex(p, (nx, 0.0, 0.0), (p[2] * nx / uv_scale, -p[1] / uv_scale))
                  for p in ((x, lo(x), z0), (x, lo(x), z1), (x, hi(x), z1), (x, hi(x), z0))]
            _quad(mesh, *vs)
    return mesh


def ring_segment(cx, cy, r_in, r_out, t0, t1, z0, z1, n=8, uv_scale=2.0):
    """A block of an arch ring about the axis (cx, cy) along z: angles t from
    the vertical (x = cx + r sin t, y = cy + r cos t), t0 < t1."""
    mesh = Mesh()
    ts = [t0 + (t1 - t0) * i / n for i in range(n + 1)]

    def at(r, t, z):
        return (cx + r * math.sin(t), cy + r * math.cos(t), z)

    _strip(mesh, [((at(r_in, t, z0), (-math.sin(t), -math.cos(t), 0.0)),
                   (at(r_in, t, z1), (-math.sin(t), -math.cos(t), 0.0))) for t in ts], uv_scale)
    _strip(mesh, [((at(r_out, t, z0), (math.sin(t), math.cos(t), 0.0)),
                   (at(r_out, t, z1), (math.sin(t), math.cos(t), 0.0))) for t in ts], uv_scale)
    for z, nz in ((z1, 1.0), (z0, -1.0)):
        for i in range(n):
            ps = [at(r_in, ts[i], z), at(r_in, ts[i + 1], z), at(r_out, ts[i + 1], z), at(r_out, ts[i], z)]
            vs = [mesh.vertex(p, (0.0, 0.0, nz), (p[0] * nz / uv_scale, -p[1] / uv_scale)) for p in ps]
            _quad(mesh, *vs)
    for t, s in ((t0, -1.0), (t1, 1.0)):
        nrm = (s * math.cos(t), -s * math.sin(t), 0.0)
        ps = [at(r_in, t, z0), at(r_in, t, z1), at(r_out, t, z1), at(r_out, t, z0)]
        vs = [mesh.vertex(p, nrm, (p[2] / uv_scale, -math.dist(ps[0], p) / uv_scale)) for p in ps]
        _quad(mesh, *vs)
    return mesh


def centred_box(size, centre=(0.0, 0.0, 0.0), uv_scale=1.0):
    """Axis-aligned box of the given size around centre."""
    from geometry import box
    h = [s / 2 for s in size]
    return box(tuple(c - k for c, k in zip(centre, h)), tuple(c + k for c, k in zip(centre, h)), uv_scale)
