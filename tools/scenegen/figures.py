# SPDX-License-Identifier: Apache-2.0
"""The things on display: a bronze statue on its pedestal, an inscribed
stele, an amphora on a round plinth, and the invisible zone boxes. Each mesh
is in its node's space, standing on y = 0 and facing +Z."""
import math

from geometry import Mesh, box, compose, lathe, param_surface, rotation, scaling, tube

PEDESTAL_H = 1.2
PLINTH_H = 0.9
STELE = {"half_w": 0.4, "y0": 0.25, "y1": 1.85, "half_d": 0.12}


def pedestal():
    mesh = box((-0.7, 0.0, -0.7), (0.7, 0.2, 0.7), uv_scale=2.0, skip=((0, -1, 0),))
    mesh.extend(box((-0.55, 0.2, -0.55), (0.55, 1.02, 0.55), uv_scale=2.0, skip=((0, -1, 0),)))
    mesh.extend(box((-0.65, 1.02, -0.65), (0.65, PEDESTAL_H, 0.65), uv_scale=2.0))
    return mesh


# ---- the statue -------------------------------------------------------------------

# A draped figure: radius of the body (across the shoulders) at each height
_BODY = [(0.0, 0.25), (0.05, 0.26), (0.4, 0.22), (0.8, 0.2), (1.0, 0.21), (1.15, 0.18),
         (1.3, 0.21), (1.44, 0.23), (1.53, 0.15), (1.6, 0.07), (1.62, 0.0)]
_BODY_TOP = 1.62


def _body_radius(y):
    for (ya, ra), (yb, rb) in zip(_BODY, _BODY[1:]):
        if y <= yb:
            t = (y - ya) / (yb - ya)
            t = t * t * (3 - 2 * t)
            return ra + (rb - ra) * t
    return 0.0


def _body():
    """Lathed and flattened front to back, with the robe's vertical folds
    fading out above the waist."""
    def f(theta, y):
        folds = 1 + 0.07 * math.sin(16 * theta) * max(0.0, 1 - y / 1.1)
        r = _body_radius(y) * folds
        return (r * math.sin(theta), y, 0.62 * r * math.cos(theta))
    return param_surface(f, (0.0, 2 * math.pi), (0.0, _BODY_TOP), 64, 40,
                         lambda th, y: (th / math.pi, -y / 1.0))


def _sphere(radius, centre, stretch_y=1.0, n=24):
    prof = [(radius * math.sin(math.pi * k / 12), -radius * math.cos(math.pi * k / 12)) for k in range(13)]
    mesh = lathe(prof, n, v_of=lambda r, y, s: s, u_repeat=1.0)
    return mesh.transformed(compose([[1, 0, 0, centre[0]], [0, 1, 0, centre[1]], [0, 0, 1, centre[2]]],
                                    scaling((1, stretch_y, 1))))


def _bezier(p0, p1, p2):
    def path(s):
        return tuple((1 - s) ** 2 * a + 2 * s * (1 - s) * b + s * s * c for a, b, c in zip(p0, p1, p2))
    return path


def _cylinder(radius, y0, y1, x=0.0, z=0.0, n=16):
    m = lathe([(radius, y0), (radius, y1)], n, v_of=lambda r, y, s: -y, u_repeat=0.5)
    return m.transformed([[1, 0, 0, x], [0, 1, 0, 0], [0, 0, 1, z]])


def statue():
    """A bronze figure holding a spear: 2.3 m to the spear's tip."""
    mesh = _body()
    mesh.extend(_cylinder(0.055, 1.5, 1.72))                        # neck
    mesh.extend(_sphere(0.11, (0.0, 1.8, 0.0), stretch_y=1.2))     # head
    mesh.extend(_sphere(0.07, (0.0, 1.86, -0.05)))                 # hair knot
    # left arm hangs at the side; right arm raised to hold the spear
    mesh.extend(tube(_bezier((0.19, 1.42, 0.0), (0.29, 1.2, 0.02), (0.25, 0.95, 0.08)), 0.045, 12, 10))
    mesh.extend(_sphere(0.05, (0.25, 0.93, 0.08)))
    mesh.extend(tube(_bezier((-0.19, 1.42, 0.0), (-0.36, 1.35, 0.05), (-0.36, 1.62, 0.12)), 0.045, 12, 10))
    mesh.extend(_sphere(0.055, (-0.36, 1.64, 0.12)))
    mesh.extend(_cylinder(0.018, 0.02, 2.2, x=-0.36, z=0.12))       # spear shaft
    tip = lathe([(0.0, 2.2), (0.035, 2.22), (0.0, 2.34)], 12, v_of=lambda r, y, s: -y)
    mesh.extend(tip.transformed([[1, 0, 0, -0.36], [0, 1, 0, 0], [0, 0, 1, 0.12]]))
    for fx in (-0.09, 0.09):                                        # toes under the hem
        mesh.extend(box((fx - 0.05, 0.0, 0.1), (fx + 0.05, 0.07, 0.26), uv_scale=1.0, skip=((0, -1, 0),)))
    return mesh


# ---- the stele ---------------------------------------------------------------------

def stele_stone():
    s = STELE
    mesh = box((-0.55, 0.0, -0.3), (0.55, s["y0"], 0.3), uv_scale=2.0, skip=((0, -1, 0),))
    mesh.extend(box((-s["half_w"], s["y0"], -s["half_d"]), (s["half_w"], s["y1"], s["half_d"]),
                    uv_scale=2.0, skip=((0, 0, 1), (0, -1, 0))))
    mesh.extend(box((-0.46, s["y1"], -0.16), (0.46, s["y1"] + 0.12, 0.16), uv_scale=2.0))
    return mesh


def stele_face():
    """The inscribed face: one quad mapped onto the whole inscription texture."""
    s = STELE
    mesh = Mesh()
    z = s["half_d"]
    ids = [mesh.vertex((x, y, z), (0, 0, 1), ((x + s["half_w"]) / (2 * s["half_w"]),
                                                (s["y1"] - y) / (s["y1"] - s["y0"])))
           for x, y in ((-s["half_w"], s["y0"]), (s["half_w"], s["y0"]),
                        (s["half_w"], s["y1"]), (-s["half_w"], s["y1"]))]
    mesh.tri(ids[0], ids[1], ids[2])
    mesh.tri(ids[0], ids[2], ids[3])
    return mesh


# ---- plinth and amphora ------------------------------------------------------------

def plinth():
    mesh = Mesh()
    bands = [[(0.35, 0.0), (0.35, 0.08)], [(0.35, 0.08), (0.22, 0.08)],
             [(0.22, 0.08), (0.2, 0.45), (0.22, 0.82)], [(0.22, 0.82), (0.32, 0.82)],
             [(0.32, 0.82), (0.32, PLINTH_H)], [(0.32, PLINTH_H), (0.0, PLINTH_H)]]
    for band in bands:
        mesh.extend(lathe(band, 40, v_of=lambda r, y, s: -y / 2.0, u_repeat=1.0))
    return mesh


AMPHORA_H = 0.70
# outer wall from the foot to the lip, then down the inside of the neck
_AMPHORA = [(0.07, 0.0), (0.075, 0.02), (0.055, 0.05), (0.06, 0.07), (0.09, 0.11), (0.125, 0.18),
            (0.152, 0.26), (0.165, 0.34), (0.163, 0.4), (0.15, 0.46), (0.125, 0.51), (0.09, 0.55),
            (0.066, 0.58), (0.058, 0.62), (0.06, 0.655), (0.075, 0.672), (0.082, 0.69),
            (0.075, AMPHORA_H), (0.06, AMPHORA_H), (0.05, 0.68), (0.046, 0.62), (0.04, 0.56)]


def amphora():
    """Lathed about its own axis (the Exhibit node's pivot) with two handles.
    v follows height so the painted bands sit where the texture puts them."""
    mesh = lathe([(0.0, 0.0), (0.07, 0.0)], 48,
                 v_of=lambda r, y, s: 0.99)                       # the base, facing down
    mesh.extend(lathe(_AMPHORA, 48, v_of=lambda r, y, s: (AMPHORA_H - y) / AMPHORA_H))
    for angle in (0.0, math.pi):
        handle = tube(_bezier((0.12, 0.51, 0.0), (0.23, 0.68, 0.0), (0.055, 0.64, 0.0)), 0.014, 10, 12)
        handle.uvs = [(u, 0.02 + 0.08 * v) for u, v in handle.uvs]  # painted black like the lip
        mesh.extend(handle.transformed(rotation((0, 1, 0), angle)))
    return mesh


def zone_box(half_x, height, half_z):
    return box((-half_x, 0.0, -half_z), (half_x, height, half_z), uv_scale=1.0)
