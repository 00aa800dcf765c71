# SPDX-License-Identifier: Apache-2.0
"""Assembles the agora: textures and materials, named nodes, the sun, the
overview camera and the two animations. The node names are a contract with
the lessons (see scenes/agora/README.md); do not rename them."""
import math

import architecture as arch
import figures as fig
import png
import textures
from geometry import check_winding, compute_tangents, cross, normalize, sub
from gltf import GlbBuilder
from raster2d import pack

SPAWN = (0.0, 0.0, 7.0)
STATUE_AT = (-6.0, 0.0, 1.0)
STELE_AT = (5.5, 0.0, 1.0)
PLINTH_AT = (4.5, arch.PLATFORM_TOP, -7.2)


def quat_axis_angle(axis, angle):
    x, y, z = normalize(axis)
    s = math.sin(angle / 2)
    return (x * s, y * s, z * s, math.cos(angle / 2))


def quat_look(forward, up=(0.0, 1.0, 0.0)):
    """Rotation that turns a node's -Z toward `forward` (glTF cameras and
    lights look down their -Z), keeping its +Y near `up`."""
    z = normalize(tuple(-c for c in forward))
    x = normalize(cross(up, z))
    y = cross(z, x)
    m00, m11, m22 = x[0], y[1], z[2]  # columns x, y, z of the rotation matrix
    tr = m00 + m11 + m22
    if tr > 0:
        s = math.sqrt(tr + 1.0) * 2
        return ((y[2] - z[1]) / s, (z[0] - x[2]) / s, (x[1] - y[0]) / s, 0.25 * s)
    if m00 > m11 and m00 > m22:
        s = math.sqrt(1.0 + m00 - m11 - m22) * 2
        return (0.25 * s, (y[0] + x[1]) / s, (z[0] + x[2]) / s, (y[2] - z[1]) / s)
    if m11 > m22:
        s = math.sqrt(1.0 + m11 - m00 - m22) * 2
        return ((y[0] + x[1]) / s, 0.25 * s, (z[1] + y[2]) / s, (z[0] - x[2]) / s)
    s = math.sqrt(1.0 + m22 - m00 - m11) * 2
    return ((z[0] + x[2]) / s, (z[1] + y[2]) / s, 0.25 * s, (x[1] - y[0]) / s)


def _materials(b):
    def tex(name, rows):
        return b.texture(name, png.encode(len(rows[0]), len(rows), pack(rows)))

    def pbr(base_tex, metallic, rough, mr_tex=None):
        p = {"baseColorTexture": {"index": base_tex}, "metallicFactor": metallic, "roughnessFactor": rough}
        if mr_tex is not None:
            p["metallicRoughnessTexture"] = {"index": mr_tex}
        return p

    # Textures and materials are declared in the order the nodes first use
    # them. Importers that load lazily (Assimp's glTF2 importer does) number
    # them in that order; declaring them so keeps every numbering the same.
    lime_c, lime_mr = textures.limestone()
    marble_c, marble_n = textures.marble()
    roof_c, roof_n = textures.roof_tiles()
    bronze_c, bronze_mr = textures.bronze()
    insc_c, insc_n = textures.inscription()
    t = {"lime": tex("limestone_basecolor", lime_c), "lime_mr": tex("limestone_metalrough", lime_mr),
         "marble": tex("marble_basecolor", marble_c), "marble_n": tex("marble_normal", marble_n),
         "roof": tex("rooftiles_basecolor", roof_c), "roof_n": tex("rooftiles_normal", roof_n),
         "plaster": tex("plaster_basecolor", textures.plaster()),
         "wood": tex("wood_basecolor", textures.wood()),
         "bronze": tex("bronze_basecolor", bronze_c), "bronze_mr": tex("bronze_metalrough", bronze_mr),
         "insc": tex("inscription_basecolor", insc_c), "insc_n": tex("inscription_normal", insc_n),
         "clay": tex("terracotta_basecolor", textures.terracotta())}
    b.use_extension("KHR_materials_unlit")
    return {
        "limestone": b.material({"name": "Limestone", "pbrMetallicRoughness": pbr(t["lime"], 1.0, 1.0, t["lime_mr"])}),
        "marble": b.material({"name": "Marble", "pbrMetallicRoughness": pbr(t["marble"], 0.0, 0.35),
                              "normalTexture": {"index": t["marble_n"]}}),
        "roof": b.material({"name": "RoofTiles", "pbrMetallicRoughness": pbr(t["roof"], 0.0, 0.7),
                            "normalTexture": {"index": t["roof_n"]}}),
        "plaster": b.material({"name": "PaintedPlaster", "pbrMetallicRoughness": pbr(t["plaster"], 0.0, 0.9)}),
        "wood": b.material({"name": "Wood", "pbrMetallicRoughness": pbr(t["wood"], 0.0, 0.75)}),
        "bronze": b.material({"name": "Bronze", "pbrMetallicRoughness": pbr(t["bronze"], 1.0, 1.0, t["bronze_mr"])}),
        "inscription": b.material({"name": "Inscription", "pbrMetallicRoughness": pbr(t["insc"], 0.0, 0.4),
                                   "normalTexture": {"index": t["insc_n"]}}),
        "terracotta": b.material({"name": "PaintedTerracotta", "pbrMetallicRoughness": pbr(t["clay"], 0.0, 0.55)}),
        # zones are volumes for "enter zone" triggers, never seen: fully
        # transparent, unlit, both sides (a viewer without unlit still shows nothing)
        "zone": b.material({"name": "Zone", "pbrMetallicRoughness": {"baseColorFactor": [1.0, 1.0, 1.0, 0.0],
                                                                    "metallicFactor": 0.0, "roughnessFactor": 1.0},
                            "alphaMode": "BLEND", "doubleSided": True,
                            "extensions": {"KHR_materials_unlit": {}}}),
    }


def _mesh(b, name, parts):
    for m, _ in parts:
        check_winding(m, name)
        compute_tangents(m)
    return b.mesh(name, parts)


def _add_meshes(b, mat):
    """Builds every mesh once; columns share one mesh."""
    return {
        "Floor": _mesh(b, "Paving", [(arch.floor(), mat["limestone"])]),
        "Steps": _mesh(b, "Steps", [(arch.steps(), mat["limestone"])]),
        "Platform": _mesh(b, "Platform", [(arch.platform(), mat["limestone"])]),
        "Column": _mesh(b, "DoricColumn", [(arch.column(), mat["marble"])]),
        "Entablature": _mesh(b, "Entablature", [(arch.entablature(), mat["marble"])]),
        "Roof": _mesh(b, "Roof", [(arch.roof_tiles(), mat["roof"]), (arch.gables(), mat["marble"])]),
        "BackWall": _mesh(b, "BackWall", [(arch.back_wall(), mat["plaster"])]),
        "Door": _mesh(b, "DoorLeaf", [(arch.door(), mat["wood"])]),
        "Pedestal": _mesh(b, "Pedestal", [(fig.pedestal(), mat["marble"])]),
        "Statue": _mesh(b, "Statue", [(fig.statue(), mat["bronze"])]),
        "Inscription": _mesh(b, "Stele", [(fig.stele_stone(), mat["marble"]),
                                          (fig.stele_face(), mat["inscription"])]),
        "Plinth": _mesh(b, "Plinth", [(fig.plinth(), mat["marble"])]),
        "Exhibit": _mesh(b, "Amphora", [(fig.amphora(), mat["terracotta"])]),
        "Zone_Statue": _mesh(b, "ZoneStatueVolume", [(fig.zone_box(1.8, 2.5, 1.8), mat["zone"])]),
        "Zone_Door": _mesh(b, "ZoneDoorVolume", [(fig.zone_box(1.5, 2.5, 1.0), mat["zone"])]),
    }


def _add_nodes(b, meshes):
    n = {}

    def node(name, mesh=None, t=None, r=None, **extra):
        d = {"name": name}
        if mesh is not None:
            d["mesh"] = mesh
        if t is not None:
            d["translation"] = list(t)
        if r is not None:
            d["rotation"] = list(r)
        d.update(extra)
        n[name] = b.node(d)

    for name in ("Floor", "Steps", "Platform"):
        node(name, meshes[name])
    for i, x in enumerate(arch.COLUMN_X):
        node("Column_%02d" % (i + 1), meshes["Column"], t=(x, arch.PLATFORM_TOP, arch.COLUMN_Z))
    for name in ("Entablature", "Roof", "BackWall"):
        node(name, meshes[name])
    node("Door", meshes["Door"], t=arch.DOOR_HINGE)
    node("Pedestal", meshes["Pedestal"], t=STATUE_AT)
    node("Statue", meshes["Statue"], t=(STATUE_AT[0], fig.PEDESTAL_H, STATUE_AT[2]))
    node("Inscription", meshes["Inscription"], t=STELE_AT)
    node("Plinth", meshes["Plinth"], t=PLINTH_AT)
    node("Exhibit", meshes["Exhibit"], t=(PLINTH_AT[0], PLINTH_AT[1] + fig.PLINTH_H, PLINTH_AT[2]))
    node("Zone_Statue", meshes["Zone_Statue"], t=STATUE_AT)
    node("Zone_Door", meshes["Zone_Door"], t=(0.0, arch.PLATFORM_TOP, arch.WALL_FRONT_Z + 1.0))
    node("Spawn", t=SPAWN)  # identity rotation: the learner looks down -Z at the stoa
    b.use_extension("KHR_lights_punctual")
    b.doc["extensions"] = {"KHR_lights_punctual": {"lights": [
        {"name": "Sun", "type": "directional", "color": [1.0, 0.95, 0.86], "intensity": 3.0}]}}
    node("Sun", t=(0.0, 20.0, 10.0), r=quat_look(normalize((0.35, -0.8, -0.5))),
         extensions={"KHR_lights_punctual": {"light": 0}})
    cam = b.camera({"name": "OverviewCamera", "type": "perspective",
                    "perspective": {"yfov": 0.8, "aspectRatio": 1.777778, "znear": 0.1, "zfar": 200.0}})
    eye, target = (17.0, 11.5, 18.0), (0.5, 2.5, -3.5)
    node("OverviewCamera", t=eye, r=quat_look(normalize(sub(target, eye))), camera=cam)
    return n


def _add_animations(b, n):
    door_keys = [0.0, 1.0, 2.0]
    b.animation("DoorOpen", [(n["Door"], "rotation", door_keys,
                              [quat_axis_angle((0, 1, 0), -math.radians(100) * t / 2.0) for t in door_keys])])
    # a key every 45 degrees: neighbouring keys are far less than 180 degrees
    # apart, so slerp cannot take the short way round backwards
    spin_keys = [float(k) for k in range(9)]
    b.animation("ExhibitSpin", [(n["Exhibit"], "rotation", spin_keys,
                                 [quat_axis_angle((0, 1, 0), 2 * math.pi * t / 8.0) for t in spin_keys])])


def build():
    """Returns the .glb bytes."""
    b = GlbBuilder()
    mat = _materials(b)
    meshes = _add_meshes(b, mat)
    nodes = _add_nodes(b, meshes)
    _add_animations(b, nodes)
    return b.glb(list(range(len(b.doc["nodes"]))))
