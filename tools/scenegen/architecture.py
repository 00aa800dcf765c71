# SPDX-License-Identifier: Apache-2.0
"""The building: paving, steps, platform, Doric columns, entablature, roof,
walls and door. Sizes in metres; the stoa's front faces +Z, its long axis
is X. Each function returns geometry.Mesh objects in its node's space."""
import math

from geometry import Mesh, box, compose, lathe, normalize, param_surface, rotation, translate

# Plan (world space, metres)
FLOOR = ((-15.0, -0.3, -10.0), (15.0, 0.0, 10.0))
PLATFORM_TOP = 0.6
STOA_X = 11.0              # half length of the building
FRONT_Z, BACK_Z = -4.2, -9.8
COLUMN_Z = -4.8
COLUMN_X = [-9.45 + 2.7 * i for i in range(8)]
COLUMN_H = 5.0             # shaft + capital, standing on the platform
EAVE_Y = 7.25
ROOF_PITCH = math.radians(14)
DOOR_W, DOOR_H = 1.6, 2.8  # the opening in the back wall, centred on x = 0
WALL_FRONT_Z = -9.2        # the back wall's face toward the hall


def floor():
    return box(*FLOOR, uv_scale=2.0, skip=((0, -1, 0),))


def platform():
    return box((-STOA_X, 0.0, BACK_Z - 0.2), (STOA_X, PLATFORM_TOP, FRONT_Z), uv_scale=2.0,
               skip=((0, -1, 0),))


def steps():
    """Three risers of 0.2 m up to the platform, treads 0.4 m deep."""
    mesh = Mesh()
    for k in range(3):
        y0, y1 = 0.2 * k, 0.2 * (k + 1)
        front = FRONT_Z + 0.4 * (3 - k)
        mesh.extend(box((-STOA_X, y0, FRONT_Z), (STOA_X, y1, front), uv_scale=2.0,
                        skip=((0, -1, 0), (0, 0, -1))))
    return mesh


# ---- the Doric column -----------------------------------------------------------

FLUTES = 20
SHAFT_H = 4.55


def _shaft_radius(y):
    """Tapers from 0.45 to 0.36 m with a slight swelling (entasis)."""
    t = y / SHAFT_H
    return 0.45 - 0.09 * t + 0.012 * math.sin(math.pi * t)


def _flute(k):
    """One concave flute; neighbouring flutes meet in a sharp arris."""
    width = 2 * math.pi / FLUTES
    t0 = k * width

    def f(theta, y):
        depth = 0.03 * (1 - 0.2 * y / SHAFT_H)
        r = _shaft_radius(y) - depth * math.sin(math.pi * (theta - t0) / width)
        return (r * math.sin(theta), y, r * math.cos(theta))

    # u runs once around per 1.4 marble tiles (circumference ~2.8 m / 2 m per tile)
    return param_surface(f, (t0, t0 + width), (0.0, SHAFT_H), 6, 10,
                         lambda th, y: (1.4 * th / (2 * math.pi), -y / 2.0))


def column():
    mesh = Mesh()
    for k in range(FLUTES):
        mesh.extend(_flute(k))
    r_top = _shaft_radius(SHAFT_H)
    # the echinus: a cushion swelling from the shaft out under the abacus
    echinus = []
    for i in range(9):
        t = i / 8
        a, b, c = (r_top, SHAFT_H), (0.62, SHAFT_H + 0.06), (0.58, SHAFT_H + 0.23)
        echinus.append(((1 - t) ** 2 * a[0] + 2 * t * (1 - t) * b[0] + t * t * c[0],
                        (1 - t) ** 2 * a[1] + 2 * t * (1 - t) * b[1] + t * t * c[1]))
    mesh.extend(lathe(echinus, 40, v_of=lambda r, y, s: -y / 2.0, u_repeat=1.6))
    mesh.extend(box((-0.6, SHAFT_H + 0.23, -0.6), (0.6, COLUMN_H, 0.6), uv_scale=2.0,
                    skip=((0, -1, 0),)))
    return mesh


# ---- entablature and roof ---------------------------------------------------------

def entablature():
    """Architrave, a Doric frieze of triglyphs, cornices round the top of the walls."""
    top = PLATFORM_TOP + COLUMN_H  # 5.6
    x0 = STOA_X - 0.6              # between the side walls
    mesh = box((-x0, top, FRONT_Z - 1.2), (x0, top + 0.7, FRONT_Z), uv_scale=2.0)
    mesh.extend(box((-x0, top + 0.7, FRONT_Z - 1.2), (x0, top + 1.4, FRONT_Z - 0.1), uv_scale=2.0))
    for k in range(15):  # one over each column and one over each gap
        cx = COLUMN_X[0] + 1.35 * k
        for a, b in ((-0.25, -0.13), (-0.06, 0.06), (0.13, 0.25)):
            mesh.extend(box((cx + a, top + 0.7, FRONT_Z - 0.1), (cx + b, top + 1.4, FRONT_Z - 0.02),
                            uv_scale=2.0, skip=((0, 0, -1),)))
    y0, y1 = top + 1.4, EAVE_Y
    mesh.extend(box((-STOA_X - 0.2, y0, FRONT_Z - 1.3), (STOA_X + 0.2, y1, FRONT_Z + 0.25), uv_scale=2.0))
    mesh.extend(box((-STOA_X - 0.2, y0, BACK_Z - 0.25), (STOA_X + 0.2, y1, WALL_FRONT_Z + 0.1), uv_scale=2.0))
    for side in (-1, 1):
        xa, xb = sorted((side * (STOA_X + 0.2), side * (STOA_X - 0.7)))
        mesh.extend(box((xa, y0, WALL_FRONT_Z + 0.1), (xb, y1, FRONT_Z - 1.3), uv_scale=2.0,
                        skip=((0, 0, 1), (0, 0, -1))))
    return mesh


def _ridge():
    z_front, z_back = FRONT_Z + 0.3, BACK_Z - 0.3
    return (z_front + z_back) / 2, (z_front - z_back) / 2


def roof_tiles():
    """Two tiled slopes meeting at a ridge that runs along X."""
    z_mid, half = _ridge()
    rise = half * math.tan(ROOF_PITCH)
    slope_len = half / math.cos(ROOF_PITCH)
    mesh = Mesh()
    slab = box((-STOA_X - 0.3, 0.0, 0.0), (STOA_X + 0.3, 0.12, slope_len), uv_scale=2.0)
    mesh.extend(slab.transformed(compose(translate((0, EAVE_Y + rise, z_mid)),
                                         rotation((1, 0, 0), ROOF_PITCH))))
    slab = box((-STOA_X - 0.3, 0.0, -slope_len), (STOA_X + 0.3, 0.12, 0.0), uv_scale=2.0)
    mesh.extend(slab.transformed(compose(translate((0, EAVE_Y + rise, z_mid)),
                                         rotation((1, 0, 0), -ROOF_PITCH))))
    mesh.extend(box((-STOA_X - 0.3, EAVE_Y + rise, z_mid - 0.13),
                    (STOA_X + 0.3, EAVE_Y + rise + 0.2, z_mid + 0.13), uv_scale=2.0))
    return mesh


def gables():
    """The triangular ends under the roof (marble), one at each end."""
    z_mid, half = _ridge()
    apex = EAVE_Y + (half - 0.1) * math.tan(ROOF_PITCH)
    tri = [(z_mid + half - 0.1, EAVE_Y), (z_mid, apex), (z_mid - half + 0.1, EAVE_Y)]
    mesh = Mesh()
    for side in (-1, 1):
        mesh.extend(_prism_x(tri, side * (STOA_X - 0.7), side * STOA_X))
    return mesh


def _prism_x(poly, xa, xb):
    """A prism along X over a convex polygon of (z, y) points (any order)."""
    x0, x1 = min(xa, xb), max(xa, xb)
    mesh = Mesh()
    cz = sum(p[0] for p in poly) / len(poly)
    cy = sum(p[1] for p in poly) / len(poly)
    for x, nx in ((x0, -1.0), (x1, 1.0)):
        ids = [mesh.vertex((x, y, z), (nx, 0, 0), ((z if nx > 0 else -z) / 2.0, -y / 2.0)) for z, y in poly]
        for i in range(1, len(ids) - 1):
            a, b, c = ids[0], ids[i], ids[i + 1]
            pa, pb, pc = (mesh.positions[k] for k in (a, b, c))
            # orient each cap triangle by its own geometric normal
            gx = (pb[1] - pa[1]) * (pc[2] - pa[2]) - (pb[2] - pa[2]) * (pc[1] - pa[1])
            mesh.tri(a, b, c) if gx * nx > 0 else mesh.tri(a, c, b)
    for (za, ya), (zb, yb) in zip(poly, poly[1:] + poly[:1]):
        n = normalize((0.0, -(zb - za), yb - ya))
        if n[1] * (ya - cy) + n[2] * (za - cz) < 0:
            n = (0.0, -n[1], -n[2])
        quad = [(x0, ya, za), (x1, ya, za), (x1, yb, zb), (x0, yb, zb)]
        length = math.hypot(zb - za, yb - ya)
        uvs = [(0, 0), (x1 - x0, 0), (x1 - x0, length), (0, length)]
        ids = [mesh.vertex(p, n, (u / 2.0, v / 2.0)) for p, (u, v) in zip(quad, uvs)]
        a, b, c, d = ids
        e1 = [quad[1][k] - quad[0][k] for k in range(3)]
        e2 = [quad[2][k] - quad[0][k] for k in range(3)]
        g = (e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0])
        if g[0] * n[0] + g[1] * n[1] + g[2] * n[2] > 0:
            mesh.tri(a, b, c)
            mesh.tri(a, c, d)
        else:
            mesh.tri(a, c, b)
            mesh.tri(a, d, c)
    return mesh


# ---- walls and door ----------------------------------------------------------------

def back_wall():
    """The back wall with its door opening, the two end walls, and a small
    storeroom behind the door so that the open door shows a room."""
    y0, y1 = PLATFORM_TOP, PLATFORM_TOP + COLUMN_H + 1.4
    z0, z1 = BACK_Z, WALL_FRONT_Z
    hw = DOOR_W / 2
    inner = STOA_X - 0.6
    mesh = box((-inner, y0, z0), (-hw, y1, z1), uv_scale=8.0, skip=((-1, 0, 0),))
    mesh.extend(box((hw, y0, z0), (inner, y1, z1), uv_scale=8.0, skip=((1, 0, 0),)))
    mesh.extend(box((-hw, y0 + DOOR_H, z0), (hw, y1, z1), uv_scale=8.0))
    for side in (-1, 1):
        xa, xb = sorted((side * inner, side * STOA_X))
        mesh.extend(box((xa, y0, BACK_Z), (xb, y1, FRONT_Z), uv_scale=8.0))
    # the storeroom: thin walls, a floor and a ceiling behind the opening
    room_z = BACK_Z - 1.8
    for mn, mx in (((-1.6, y0, room_z), (-1.4, y0 + 3.4, BACK_Z)),
                   ((1.4, y0, room_z), (1.6, y0 + 3.4, BACK_Z)),
                   ((-1.6, y0, room_z - 0.2), (1.6, y0 + 3.4, room_z)),
                   ((-1.6, y0 + 3.2, room_z), (1.6, y0 + 3.4, BACK_Z)),
                   ((-1.6, y0 - 0.2, room_z), (1.6, y0, BACK_Z))):
        mesh.extend(box(mn, mx, uv_scale=8.0))
    return mesh


DOOR_HINGE = (-DOOR_W / 2 + 0.01, PLATFORM_TOP, WALL_FRONT_Z)


def door():
    """The door leaf in its node's space: the hinge line is the node's +Y
    axis through its origin; the leaf extends along +X and back into the
    opening (-Z), so a rotation of -100 degrees about Y swings it into the hall."""
    return box((0.0, 0.0, -0.1), (DOOR_W - 0.02, DOOR_H - 0.01, 0.0), uv_scale=2.8)
