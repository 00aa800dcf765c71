# SPDX-License-Identifier: Apache-2.0
"""Assembles the Zhaozhou Bridge (赵州桥, Anji Bridge), the open-spandrel
segmental stone arch built by Li Chun under the Sui dynasty (c. 595-605),
over a river between two banks. Dimensions and sources: scenes/bridge/README.md.
The node names are a contract with the lessons; do not rename them.

Axes: the bridge runs along X (west -X to east +X), the river flows along
+Z under it; y = 0 is the springing line of the main arch."""
import math

import bridge_textures as tx
import png
from agora import quat_axis_angle, quat_look
from geometry import Mesh, check_winding, compute_tangents, normalize, scaling, sub, translate
from gltf import GlbBuilder
from raster2d import pack
from solids import centred_box, profile_prism, ring_segment

SPAN, RISE, RING = 37.02, 7.23, 1.03          # clear span, rise, arch ring depth (m)
R_IN = (SPAN * SPAN / 4 + RISE * RISE) / (2 * RISE)   # 27.31 m: intrados radius
R_OUT = R_IN + RING
CY = RISE - R_IN                              # the arch's centre lies below the river
T_SPRING = math.asin(SPAN / 2 / R_IN)         # springing angle from the vertical
HALF_L, HALF_W = 50.82 / 2, 4.5               # length 50.82 m, width 9 m
CROWN_TOP, END_TOP, DECK_T = 8.75, 5.5, 0.3   # deck top at the crown and at the banks
BANK_TOP, QUAY_TOP, WATER_Y = END_TOP, 0.2, -0.5
JETTY = (-18.95, -9.0, 10.0, 13.0)            # x0, x1, z0, z1 of the landing stage
SPANDREL_Z = HALF_W - 0.05                    # spandrel walls stand 5 cm behind the arch face
RIBS, SLOT_RIB = 43, 3                        # voussoirs along the arch; the missing one (from the west)
RIB_Z = HALF_W - 0.32                         # the outermost of the 28 parallel rings is 0.32 m wide
# Spandrel arches, east half (the west half mirrors it): (name west, name
# east, |x| of the inner springing, clear span). The one by the main arch's
# foot spans 3.81 m, the one nearer the crown 2.85 m.
SMALL = (("SpandrelArch_1", "SpandrelArch_4", 17.0, 3.81), ("SpandrelArch_2", "SpandrelArch_3", 13.2, 2.85))


def extrados(x):
    return CY + math.sqrt(max(R_OUT * R_OUT - x * x, 0.0))


def deck_top(x):
    return CROWN_TOP - (CROWN_TOP - END_TOP) * (x / HALF_L) ** 2


def deck_bottom(x):
    return deck_top(x) - DECK_T


def _small_arch(inner, span):
    """(centre x, half span, springing y) of an east spandrel arch: it springs
    level with the main arch's back at its inner (higher) foot."""
    return inner + span / 2, span / 2, extrados(inner)


def _mirror(m):
    return m.transformed(scaling((-1.0, 1.0, 1.0)))


def _east_spandrel_parts():
    """The east half's spandrel fill as (arch index or None, mesh): the solid
    between the main arch's back and the deck, with the two arch openings."""
    parts = []
    z0, z1 = -SPANDREL_Z, SPANDREL_Z
    x = 0.0
    for k in (1, 0):  # inner arch first, walking east from the crown
        inner, span = SMALL[k][2], SMALL[k][3]
        cx, hs, y0 = _small_arch(inner, span)
        parts.append((None, profile_prism(x, inner, extrados, deck_bottom, z0, z1, n=24)))
        outer = inner + span
        # the floor of the opening: level at the springing, on the arch's back or the abutment
        ring_end = R_IN * math.sin(T_SPRING)
        if outer > ring_end:
            parts.append((None, profile_prism(inner, ring_end, extrados, lambda _x, y=y0: y, z0, z1, n=8)))
            parts.append((None, profile_prism(ring_end, outer, lambda _x: WATER_Y - 1.0,
                                              lambda _x, y=y0: y, z0, z1, n=2)))
        else:
            parts.append((None, profile_prism(inner, outer, extrados, lambda _x, y=y0: y, z0, z1, n=8)))

        def soffit(xx, cx=cx, hs=hs, y0=y0):
            return y0 + math.sqrt(max(hs * hs - (xx - cx) ** 2, 0.0))
        parts.append((k, profile_prism(inner, outer, soffit, deck_bottom, z0, z1, n=24)))
        x = outer
    parts.append((None, profile_prism(x, HALF_L, lambda _x: WATER_Y - 1.0, deck_bottom, z0, z1, n=8)))
    return parts


def _spandrels():
    """(fill mesh, {node name: (mesh in its own space, origin)})."""
    fill = Mesh()
    arches = {}
    for k, m in _east_spandrel_parts():
        if k is None:
            fill.extend(m)
            fill.extend(_mirror(m))
            continue
        west, east, inner, span = SMALL[k]
        cx, _, y0 = _small_arch(inner, span)
        for name, mesh, ox in ((east, m, cx), (west, _mirror(m), -cx)):
            arches[name] = (mesh.transformed(translate((-ox, -y0, 0.0))), (ox, y0, 0.0))
    return fill, arches


def _main_arch():
    """The main ring without the missing voussoir of the outermost (+Z) ring."""
    d = 2 * T_SPRING / RIBS
    ring = ring_segment(0.0, CY, R_IN, R_OUT, -T_SPRING, T_SPRING, -HALF_W, RIB_Z, n=96)
    a, b = -T_SPRING + SLOT_RIB * d, -T_SPRING + (SLOT_RIB + 1) * d
    ring.extend(ring_segment(0.0, CY, R_IN, R_OUT, -T_SPRING, a, RIB_Z, HALF_W, n=6))
    ring.extend(ring_segment(0.0, CY, R_IN, R_OUT, b, T_SPRING, RIB_Z, HALF_W, n=90))
    return ring


def slot():
    """(centre, angle from the vertical) of the missing voussoir's place."""
    d = 2 * T_SPRING / RIBS
    t = -T_SPRING + (SLOT_RIB + 0.5) * d
    rm = (R_IN + R_OUT) / 2
    return (rm * math.sin(t), CY + rm * math.cos(t), (RIB_Z + HALF_W) / 2), t


def _voussoir():
    """One voussoir centred on its own origin, its radial direction +Y."""
    d = 2 * T_SPRING / RIBS
    rm = (R_IN + R_OUT) / 2
    half = (HALF_W - RIB_Z) / 2
    return ring_segment(0.0, -rm, R_IN, R_OUT, -d / 2, d / 2, -half, half, n=2, uv_scale=1.0)


def _railing(z):
    m = Mesh()
    posts = [-HALF_L + 0.4 + i * (2 * HALF_L - 0.8) / 20 for i in range(21)]
    for p in posts:
        m.extend(centred_box((0.26, 1.05, 0.26), (p, deck_top(p) + 0.45, z), uv_scale=2.0))
    for a, b in zip(posts, posts[1:]):
        m.extend(profile_prism(a + 0.13, b - 0.13, lambda x: deck_top(x) - 0.05,
                               lambda x: deck_top(x) + 0.72, z - 0.08, z + 0.08, n=4, bottom=False))
    return m


def _banks():
    m = Mesh()
    for s in (-1.0, 1.0):
        quay = centred_box((HALF_L - 18.9, 2.5, 80.0), (s * (HALF_L + 18.9) / 2, QUAY_TOP - 1.25, 0.0), 2.0)
        m.extend(quay)
    # a landing stage into the river, downstream of the west half: the view of the arch
    m.extend(centred_box((JETTY[1] - JETTY[0], 2.5, JETTY[3] - JETTY[2]),
                         ((JETTY[0] + JETTY[1]) / 2, QUAY_TOP - 1.25, (JETTY[2] + JETTY[3]) / 2), 2.0))
    return m


def _ground():
    m = Mesh()
    for s in (-1.0, 1.0):
        m.extend(centred_box((40.0, BANK_TOP + 2.0, 80.0), (s * (HALF_L + 20.0), (BANK_TOP - 2.0) / 2, 0.0), 2.0))
    return m


def _water():
    m = Mesh()
    ps = ((-HALF_L, 0.0, -40.0), (HALF_L, 0.0, -40.0), (HALF_L, 0.0, 40.0), (-HALF_L, 0.0, 40.0))
    vs = [m.vertex(p, (0.0, 1.0, 0.0), (p[0] / 8.0, p[2] / 8.0)) for p in ps]
    m.tri(vs[0], vs[3], vs[2])
    m.tri(vs[0], vs[2], vs[1])
    return m


def _mesh(b, name, parts):
    for m, _ in parts:
        check_winding(m, name)
        compute_tangents(m)
    return b.mesh(name, parts)


def _materials(b):
    def tex(name, rows):
        return b.texture(name, png.encode(len(rows[0]), len(rows), pack(rows)))

    def mat(name, t, rough, **extra):
        d = {"name": name, "pbrMetallicRoughness": {"baseColorTexture": {"index": t},
                                                     "metallicFactor": 0.0, "roughnessFactor": rough}}
        d.update(extra)
        return b.material(d)

    t_water, t_grass = tex("water_basecolor", tx.water()), tex("grass_basecolor", tx.grass())
    t_stone = tex("stone_basecolor", tx.ashlar())
    t_arch = tex("archstone_basecolor", tx.ashlar((0.74, 0.72, 0.67), (0.95, 0.5), 43))
    b.use_extension("KHR_materials_unlit")
    return {"water": mat("Water", t_water, 0.15), "grass": mat("Grass", t_grass, 0.95),
            "stone": mat("Stone", t_stone, 0.85), "arch": mat("ArchStone", t_arch, 0.8),
            "zone": b.material({"name": "Zone", "pbrMetallicRoughness": {
                "baseColorFactor": [1.0, 1.0, 1.0, 0.0], "metallicFactor": 0.0, "roughnessFactor": 1.0},
                "alphaMode": "BLEND", "doubleSided": True, "extensions": {"KHR_materials_unlit": {}}})}


def build():
    """Returns the .glb bytes."""
    b = GlbBuilder()
    b.doc["asset"]["generator"] = "Stoa tools/scenegen/make_bridge.py"
    mat = _materials(b)
    fill, arches = _spandrels()
    deck = profile_prism(-HALF_L, HALF_L, deck_bottom, deck_top, -HALF_W - 0.1, HALF_W + 0.1, n=64)
    vou = _mesh(b, "Voussoir", [(_voussoir(), mat["arch"])])
    meshes = {
        "River": _mesh(b, "RiverWater", [(_water(), mat["water"])]),
        "Banks": _mesh(b, "Banks", [(_ground(), mat["grass"]), (_banks(), mat["stone"])]),
        "MainArch": _mesh(b, "MainArch", [(_main_arch(), mat["arch"])]),
    }
    for name in sorted(arches):
        meshes[name] = _mesh(b, name, [(arches[name][0], mat["arch"])])
    meshes["Spandrels"] = _mesh(b, "Spandrels", [(fill, mat["stone"])])
    meshes["Deck"] = _mesh(b, "Deck", [(deck, mat["stone"])])
    meshes["Railing_Upstream"] = _mesh(b, "RailingUpstream", [(_railing(-HALF_W + 0.15), mat["stone"])])
    meshes["Railing_Downstream"] = _mesh(b, "RailingDownstream", [(_railing(HALF_W - 0.15), mat["stone"])])
    meshes["Zone_Voussoir"] = _mesh(b, "ZoneVoussoirVolume", [(centred_box((1.6, 1.6, 1.4)), mat["zone"])])
    nodes = {}

    def node(name, mesh=None, t=None, r=None, **extra):
        d = {"name": name}
        if mesh is not None:
            d["mesh"] = mesh
        if t is not None:
            d["translation"] = list(t)
        if r is not None:
            d["rotation"] = list(r)
        d.update(extra)
        nodes[name] = b.node(d)

    node("River", meshes["River"], t=(0.0, WATER_Y, 0.0))
    node("Banks", meshes["Banks"])
    node("MainArch", meshes["MainArch"])
    for name in sorted(arches):
        node(name, meshes[name], t=arches[name][1])
    for name in ("Spandrels", "Deck", "Railing_Upstream", "Railing_Downstream"):
        node(name, meshes[name])
    centre, angle = slot()
    node("Voussoir", vou, t=(-20.2, QUAY_TOP + (HALF_W - RIB_Z) / 2, 7.0),
         r=quat_axis_angle((1, 0, 0), math.pi / 2))
    node("Voussoir_Set", vou, t=centre, r=quat_axis_angle((0, 0, 1), -angle))
    node("Zone_Voussoir", meshes["Zone_Voussoir"], t=centre)

    def flat_look(eye, target):
        return quat_look(normalize((target[0] - eye[0], 0.0, target[2] - eye[2])))

    spawn = (-21.5, QUAY_TOP, 8.5)
    node("Spawn", t=spawn, r=flat_look(spawn, (-14.0, 0.0, 3.0)))
    view = (-17.0, QUAY_TOP, 11.5)
    node("Spawn_View", t=view, r=flat_look(view, (-4.0, 0.0, 0.0)))
    bank = (-33.0, BANK_TOP, 16.0)
    node("Spawn_Bank", t=bank, r=flat_look(bank, (0.0, 0.0, 0.0)))
    on_deck = (-6.0, deck_top(-6.0), 0.0)
    node("Spawn_Deck", t=on_deck, r=flat_look(on_deck, (10.0, 0.0, 0.0)))
    b.use_extension("KHR_lights_punctual")
    b.doc["extensions"] = {"KHR_lights_punctual": {"lights": [
        {"name": "Sun", "type": "directional", "color": [1.0, 0.95, 0.86], "intensity": 3.0}]}}
    node("Sun", t=(0.0, 30.0, 20.0), r=quat_look(normalize((0.35, -0.75, -0.55))),
         extensions={"KHR_lights_punctual": {"light": 0}})
    cam = b.camera({"name": "OverviewCamera", "type": "perspective",
                    "perspective": {"yfov": 0.7, "aspectRatio": 1.777778, "znear": 0.1, "zfar": 300.0}})
    eye, target = (-30.0, 13.0, 42.0), (0.0, 3.0, 0.0)
    node("OverviewCamera", t=eye, r=quat_look(normalize(sub(target, eye))), camera=cam)
    keys = [0.0, 3.0, 6.0, 9.0]
    rise = [WATER_Y, 3.2, 3.2, WATER_Y]
    b.animation("Flood", [(nodes["River"], "translation", keys, [(0.0, y, 0.0) for y in rise])])
    return b.glb(list(range(len(b.doc["nodes"]))), scene_name="ZhaozhouBridge")

