# SPDX-License-Identifier: Apache-2.0
"""Triangle meshes for the scene generator: boxes, lathed and parametric
surfaces, transforms, tangents, and a winding check.

Conventions (glTF's): +Y up, metres, counter-clockwise triangles seen from
outside, texture v = 0 at the top of the image. Tangents follow the glTF /
Blender convention: bitangent = cross(N, T.xyz) * T.w points to decreasing v
(image up), so a normal map's green channel means "up in the image".
"""
import math


def sub(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def add(a, b):
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def scale(a, s):
    return (a[0] * s, a[1] * s, a[2] * s)


def dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def normalize(a):
    n = math.sqrt(dot(a, a))
    return (a[0] / n, a[1] / n, a[2] / n) if n > 1e-12 else (0.0, 1.0, 0.0)


class Mesh:
    """One glTF primitive's worth of triangles (positions, normals, uv0)."""

    def __init__(self):
        self.positions, self.normals, self.uvs, self.indices = [], [], [], []
        self.tangents = None

    def vertex(self, p, n, uv):
        self.positions.append(tuple(p))
        self.normals.append(tuple(n))
        self.uvs.append(tuple(uv))
        return len(self.positions) - 1

    def tri(self, a, b, c):
        """Adds a triangle unless two corners coincide (at a lathe's pole):
        a degenerate triangle is a line to importers such as Assimp."""
        pa, pb, pc = self.positions[a], self.positions[b], self.positions[c]
        if pa == pb or pb == pc or pa == pc:
            return
        self.indices += [a, b, c]

    def extend(self, other):
        base = len(self.positions)
        self.positions += other.positions
        self.normals += other.normals
        self.uvs += other.uvs
        self.indices += [i + base for i in other.indices]
        return self

    def transformed(self, m):
        """A copy under the 3x4 affine matrix m (rows), normals by inverse transpose."""
        out = Mesh()
        lin = [row[:3] for row in m]
        inv_t = _inverse_transpose3(lin)
        for p, n, uv in zip(self.positions, self.normals, self.uvs):
            q = tuple(dot(m[r][:3], p) + m[r][3] for r in range(3))
            out.vertex(q, normalize(tuple(dot(inv_t[r], n) for r in range(3))), uv)
        flip = _det3(lin) < 0  # a mirror turns the winding inside out
        for i in range(0, len(self.indices), 3):
            a, b, c = self.indices[i:i + 3]
            out.tri(a, c, b) if flip else out.tri(a, b, c)
        return out


def _det3(m):
    return dot(m[0], cross(m[1], m[2]))


def _inverse_transpose3(m):
    d = _det3(m)
    # rows of the inverse transpose are the cofactor rows divided by det
    c0, c1, c2 = cross(m[1], m[2]), cross(m[2], m[0]), cross(m[0], m[1])
    return [scale(c0, 1 / d), scale(c1, 1 / d), scale(c2, 1 / d)]


# ---- matrices (3x4 affine, rows) -------------------------------------------

def translate(t):
    return [[1, 0, 0, t[0]], [0, 1, 0, t[1]], [0, 0, 1, t[2]]]


def scaling(s):
    return [[s[0], 0, 0, 0], [0, s[1], 0, 0], [0, 0, s[2], 0]]


def rotation(axis, angle):
    x, y, z = normalize(axis)
    c, s, t = math.cos(angle), math.sin(angle), 1 - math.cos(angle)
    return [[t * x * x + c, t * x * y - s * z, t * x * z + s * y, 0],
            [t * x * y + s * z, t * y * y + c, t * y * z - s * x, 0],
            [t * x * z - s * y, t * y * z + s * x, t * z * z + c, 0]]


def compose(*ms):
    """compose(A, B, C) applies C first, then B, then A."""
    out = ms[-1]
    for m in reversed(ms[:-1]):
        out = [[sum(m[r][k] * out[k][c] for k in range(3)) + (m[r][3] if c == 3 else 0)
                for c in range(4)] for r in range(3)]
    return out


# ---- primitives --------------------------------------------------------------

_FACES = (  # outward normal, the "up" direction for its texture
    ((1, 0, 0), (0, 1, 0)), ((-1, 0, 0), (0, 1, 0)),
    ((0, 0, 1), (0, 1, 0)), ((0, 0, -1), (0, 1, 0)),
    ((0, 1, 0), (0, 0, -1)), ((0, -1, 0), (0, 0, 1)),
)


def box(mn, mx, uv_scale=1.0, skip=()):
    """Axis-aligned box. UVs are the face's own coordinates in metres divided
    by uv_scale, so neighbouring boxes continue one texture seamlessly.
    skip: outward normals of faces to leave out (hidden against another box)."""
    mesh = Mesh()
    for n, up in _FACES:
        if n in skip:
            continue
        right = cross(up, n)  # seen from outside: right, with up
        corners = []
        for su, sv in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            p = tuple(
                (mx[k] if n[k] > 0 else mn[k]) if n[k] != 0 else
                (mx[k] if (su * right[k] + sv * up[k]) > 0 else mn[k])
                for k in range(3))
            uv = (dot(p, right) / uv_scale, -dot(p, up) / uv_scale)
            corners.append(mesh.vertex(p, n, uv))
        a, b, c, d = corners  # bottom-left, bottom-right, top-right, top-left
        mesh.tri(a, b, c)
        mesh.tri(a, c, d)
    return mesh


def param_surface(f, u_range, v_range, nu, nv, uv_of):
    """Grid surface P = f(u, v). The outside is the side of dP/du x dP/dv.

    Normals come from central differences clamped to the patch, so a patch's
    border keeps its own normal: separate patches meet with a crisp edge."""
    mesh = Mesh()
    u0, u1 = u_range
    v0, v1 = v_range
    eu, ev = (u1 - u0) * 1e-4, (v1 - v0) * 1e-4
    for j in range(nv + 1):
        v = v0 + (v1 - v0) * j / nv
        for i in range(nu + 1):
            u = u0 + (u1 - u0) * i / nu
            du = sub(f(min(u + eu, u1), v), f(max(u - eu, u0), v))
            dv = sub(f(u, min(v + ev, v1)), f(u, max(v - ev, v0)))
            n = cross(du, dv)
            if dot(n, n) < 1e-20:  # a pole: step inside the patch
                vv = v + ev * 10 if j < nv else v - ev * 10
                du = sub(f(min(u + eu, u1), vv), f(max(u - eu, u0), vv))
                dv = sub(f(u, min(vv + ev, v1)), f(u, max(vv - ev, v0)))
                n = cross(du, dv)
            mesh.vertex(f(u, v), normalize(n), uv_of(u, v))
    row = nu + 1
    for j in range(nv):
        for i in range(nu):
            a, b = j * row + i, j * row + i + 1
            c, d = b + row, a + row
            mesh.tri(a, b, c)
            mesh.tri(a, c, d)
    return mesh


def lathe(profile, n_around, v_of=None, u_repeat=1.0):
    """Surface of revolution about +Y. profile: (r, y) points, ordered so that
    the outside is on the right when walking along it upward (bottom to top on
    the outer wall, back down on an inner wall). Normals come from the 2D
    profile, so poles (r = 0) are exact. Each call is one smooth band: start a
    new lathe for a crease."""
    mesh = Mesh()
    lengths = [0.0]
    for a, b in zip(profile, profile[1:]):
        lengths.append(lengths[-1] + math.hypot(b[0] - a[0], b[1] - a[1]))
    total = lengths[-1] or 1.0
    for j, (r, y) in enumerate(profile):
        pa, pb = profile[max(j - 1, 0)], profile[min(j + 1, len(profile) - 1)]
        dr, dy = pb[0] - pa[0], pb[1] - pa[1]
        nr, ny = normalize((dy, -dr, 0))[:2]
        v = v_of(r, y, lengths[j] / total) if v_of else 1 - lengths[j] / total
        for i in range(n_around + 1):
            t = 2 * math.pi * i / n_around
            s, c = math.sin(t), math.cos(t)
            mesh.vertex((r * s, y, r * c), (nr * s, ny, nr * c), (u_repeat * i / n_around, v))
    row = n_around + 1
    for j in range(len(profile) - 1):
        for i in range(n_around):
            a, b = j * row + i, j * row + i + 1
            c, d = b + row, a + row
            # (a, b, c) runs +theta then up the profile: outward by construction
            if profile[j][0] > 1e-9 or profile[j + 1][0] > 1e-9:
                mesh.tri(a, b, c)
                mesh.tri(a, c, d)
    return mesh


def disc(radius, y, n_around, up=True):
    """A flat cap at height y facing +Y (up) or -Y."""
    prof = [(radius, y), (0.0, y)] if up else [(0.0, y), (radius, y)]
    return lathe(prof, n_around, v_of=lambda r, yy, s: 0.5 + r / (2 * radius or 1))


def tube(path, radius, n_around, n_along):
    """A tube of constant radius along a planar curve path(s), s in [0, 1]."""
    p0, p1, p2 = path(0.0), path(0.5), path(1.0)
    plane_n = normalize(cross(sub(p1, p0), sub(p2, p0)))

    def f(a, s):
        e = 1e-4
        t = normalize(sub(path(min(s + e, 1)), path(max(s - e, 0))))
        side = normalize(cross(t, plane_n))
        c = path(s)
        return add(c, add(scale(side, radius * math.cos(a)), scale(plane_n, radius * math.sin(a))))

    mesh = param_surface(f, (0, 2 * math.pi), (0, 1), n_around, n_along, lambda a, s: (a / (2 * math.pi), s))
    return fix_orientation(mesh, lambda p, n: dot(n, sub(p, _nearest(path, p))) > 0)


def _nearest(path, p):
    best, bd = None, 1e30
    for k in range(65):
        q = path(k / 64)
        d = dot(sub(p, q), sub(p, q))
        if d < bd:
            best, bd = q, d
    return best


def fix_orientation(mesh, is_outward):
    """Flips the whole mesh (winding and normals) when its normals point in."""
    votes = sum(1 if is_outward(p, n) else -1 for p, n in zip(mesh.positions, mesh.normals))
    if votes >= 0:
        return mesh
    mesh.normals = [scale(n, -1) for n in mesh.normals]
    for i in range(0, len(mesh.indices), 3):
        mesh.indices[i + 1], mesh.indices[i + 2] = mesh.indices[i + 2], mesh.indices[i + 1]
    return mesh


# ---- checks and tangents -----------------------------------------------------

def check_winding(mesh, name):
    """Every triangle's geometric normal must agree with its vertex normals:
    that is what "counter-clockwise on the outside" means for a renderer."""
    bad = 0
    for i in range(0, len(mesh.indices), 3):
        a, b, c = (mesh.positions[k] for k in mesh.indices[i:i + 3])
        fn = cross(sub(b, a), sub(c, a))
        if dot(fn, fn) < 1e-18:
            continue
        vn = add(add(mesh.normals[mesh.indices[i]], mesh.normals[mesh.indices[i + 1]]),
                 mesh.normals[mesh.indices[i + 2]])
        if dot(fn, vn) <= 0:
            bad += 1
    if bad:
        raise ValueError("%s: %d triangles wound against their normals" % (name, bad))


def compute_tangents(mesh):
    """Per-vertex tangents (Lengyel's method, Gram-Schmidt), w = handedness."""
    n_vert = len(mesh.positions)
    tan = [(0.0, 0.0, 0.0)] * n_vert
    bit = [(0.0, 0.0, 0.0)] * n_vert
    for i in range(0, len(mesh.indices), 3):
        ia, ib, ic = mesh.indices[i:i + 3]
        p0, p1, p2 = mesh.positions[ia], mesh.positions[ib], mesh.positions[ic]
        w0, w1, w2 = mesh.uvs[ia], mesh.uvs[ib], mesh.uvs[ic]
        e1, e2 = sub(p1, p0), sub(p2, p0)
        du1, dv1, du2, dv2 = w1[0] - w0[0], w1[1] - w0[1], w2[0] - w0[0], w2[1] - w0[1]
        det = du1 * dv2 - du2 * dv1
        if abs(det) < 1e-14:
            continue
        r = 1.0 / det
        sdir = scale(sub(scale(e1, dv2), scale(e2, dv1)), r)  # dP/du
        tdir = scale(sub(scale(e2, du1), scale(e1, du2)), r)  # dP/dv
        for k in (ia, ib, ic):
            tan[k] = add(tan[k], sdir)
            bit[k] = add(bit[k], tdir)
    out = []
    for n, t, b in zip(mesh.normals, tan, bit):
        t = sub(t, scale(n, dot(n, t)))
        if dot(t, t) < 1e-20:  # no UV gradient here: any perpendicular will do
            t = cross(n, (0, 1, 0)) if abs(n[1]) < 0.9 else cross(n, (1, 0, 0))
        t = normalize(t)
        # glTF: the bitangent points to decreasing v (image up), hence the minus
        w = -1.0 if dot(cross(n, t), b) > 0 else 1.0
        out.append((t[0], t[1], t[2], w))
    mesh.tangents = out
    return mesh
