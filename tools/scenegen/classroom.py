# SPDX-License-Identifier: Apache-2.0
"""Assembles the classroom of the fire extinguisher lesson: a room with
desks, a waste bin on fire (the burning paper at its mouth is the base of
the fire, in two halves for the sweep; the flames above it) and a stored-
pressure extinguisher whose pin, handle and hose are nodes of their own.
The node names are a contract with the lessons (scenes/classroom/README.md).

Axes: metres, +Y up; the room is x -4..4, z -4..4, 3 m high; the front
wall (whiteboard) is at -Z; the learner starts at z = 1 looking at it."""
import math

import bridge_textures as tx
import png
from agora import quat_axis_angle, quat_look
from geometry import Mesh, box, check_winding, compute_tangents, disc, lathe, normalize, sub, tube
from gltf import GlbBuilder
from raster2d import pack
from solids import centred_box

ROOM, HEIGHT, WALL = 4.0, 3.0, 0.2
SPAWN = (0.0, 0.0, 1.0)
BIN_AT = (0.6, 0.0, -1.5)
BIN_R, BIN_H = 0.18, 0.40
PAPER = (0.36, 0.47, 0.12)          # burning paper: y from, y to, half size in x and z
FLAME_Y, FLAME_TOP, FLAME_R = 0.52, 1.15, 0.10
EXT_AT = (-0.6, 0.0, -0.5)          # the extinguisher stands on the floor here
EXT_R, EXT_H = 0.08, 0.50


def _room():
    """Floor, walls and ceiling, seen from inside."""
    r, t = ROOM, WALL
    floor = box((-r, -t, -r), (r, 0.0, r), uv_scale=2.0)
    walls = Mesh()
    walls.extend(box((-r - t, 0.0, -r - t), (r + t, HEIGHT, -r), uv_scale=2.0))   # front (-Z)
    walls.extend(box((-r - t, 0.0, r), (r + t, HEIGHT, r + t), uv_scale=2.0))     # back
    walls.extend(box((-r - t, 0.0, -r), (-r, HEIGHT, r), uv_scale=2.0))           # left
    walls.extend(box((r, 0.0, -r), (r + t, HEIGHT, r), uv_scale=2.0))             # right
    ceiling = box((-r - t, HEIGHT, -r - t), (r + t, HEIGHT + t, r + t), uv_scale=2.0)
    return floor, walls, ceiling


def _desk(w=1.2, d=0.6, h=0.75):
    """A desk in its own space: top and four legs, standing on y = 0."""
    m = centred_box((w, 0.04, d), (0.0, h - 0.02, 0.0), 2.0)
    for sx in (-1, 1):
        for sz in (-1, 1):
            m.extend(centred_box((0.05, h - 0.04, 0.05), (sx * (w / 2 - 0.05), (h - 0.04) / 2, sz * (d / 2 - 0.05)), 2.0))
    return m


def _bin():
    """An open metal bin: outer wall, rim, inner wall and bottom."""
    prof = [(BIN_R * 0.85, 0.0), (BIN_R, BIN_H), (BIN_R - 0.01, BIN_H), (BIN_R * 0.85 - 0.01, 0.02)]
    m = lathe(prof, 24)
    m.extend(disc(BIN_R * 0.85, 0.0, 24, up=False))
    return m


def _paper(side):
    y0, y1, h = PAPER
    x0, x1 = (-h, 0.0) if side < 0 else (0.0, h)
    return box((x0, y0, -h), (x1, y1, h), uv_scale=0.5)


def _flames():
    prof = [(FLAME_R, FLAME_Y), (FLAME_R * 1.2, FLAME_Y + 0.15), (FLAME_R * 0.7, FLAME_Y + 0.4), (0.0, FLAME_TOP)]
    m = lathe(prof, 16)
    m.extend(disc(FLAME_R, FLAME_Y, 16, up=False))
    return m


def _extinguisher():
    """The cylinder with its domed top and valve, standing on y = 0."""
    prof = [(0.0, 0.0), (EXT_R, 0.0), (EXT_R, EXT_H), (EXT_R * 0.7, EXT_H + 0.04), (0.02, EXT_H + 0.06),
            (0.02, EXT_H + 0.12), (0.0, EXT_H + 0.12)]
    return lathe(prof, 24)


def _pin():
    """The pull ring: a disc facing +Z (the learner), 6 cm across."""
    d = lathe([(0.0, -0.006), (0.03, -0.006), (0.03, 0.006), (0.0, 0.006)], 20)
    return d.transformed([[1, 0, 0, 0], [0, 0, -1, 0], [0, 1, 0, 0]])


def _hose():
    def path(s):
        return (0.03 + 0.12 * s, EXT_H + 0.08 - 0.35 * s * s, 0.03 * s)
    m = tube(path, 0.012, 10, 12)
    tip = path(1.0)
    nozzle = lathe([(0.0, 0.0), (0.018, 0.0), (0.012, 0.09), (0.0, 0.09)], 12)
    m.extend(nozzle.transformed([[1, 0, 0, tip[0]], [0, -1, 0, tip[1]], [0, 0, -1, tip[2]]]))
    return m


def _mesh(b, name, parts):
    for m, _ in parts:
        check_winding(m, name)
        compute_tangents(m)
    return b.mesh(name, parts)


def _materials(b):
    def tex(name, rows):
        return b.texture(name, png.encode(len(rows[0]), len(rows), pack(rows)))

    def mat(name, colour=None, t=None, rough=0.8, metal=0.0, emissive=None, unlit=False):
        pbr = {"metallicFactor": metal, "roughnessFactor": rough}
        if t is not None:
            pbr["baseColorTexture"] = {"index": t}
        if colour:
            pbr["baseColorFactor"] = list(colour) + [1.0]
        d = {"name": name, "pbrMetallicRoughness": pbr}
        if emissive:
            d["emissiveFactor"] = list(emissive)
        if unlit:
            d["extensions"] = {"KHR_materials_unlit": {}}
        return b.material(d)

    t_floor = tex("floor_basecolor", tx.floor_tiles())
    t_wall = tex("wall_basecolor", tx.plain((0.86, 0.84, 0.76), 0.04, 73))
    t_wood = tex("desk_basecolor", tx.plain((0.62, 0.45, 0.28), 0.12, 79))
    b.use_extension("KHR_materials_unlit")
    return {"floor": mat("Floor", t=t_floor, rough=0.6), "wall": mat("Wall", t=t_wall, rough=0.9),
            "board": mat("Whiteboard", colour=(0.95, 0.96, 0.97), rough=0.2),
            "wood": mat("Desk", t=t_wood, rough=0.6), "metal": mat("Metal", colour=(0.55, 0.57, 0.6), rough=0.4, metal=1.0),
            "paper": mat("BurningPaper", colour=(0.35, 0.18, 0.08), emissive=(0.9, 0.35, 0.05)),
            "flame": mat("Flame", colour=(1.0, 0.55, 0.12), emissive=(1.0, 0.5, 0.1), unlit=True),
            "red": mat("ExtinguisherRed", colour=(0.75, 0.05, 0.04), rough=0.35),
            "yellow": mat("PinYellow", colour=(0.95, 0.78, 0.1), rough=0.4, metal=1.0),
            "black": mat("Rubber", colour=(0.05, 0.05, 0.05), rough=0.7)}


def build():
    """Returns the .glb bytes."""
    b = GlbBuilder()
    b.doc["asset"]["generator"] = "Stoa tools/scenegen/make_classroom.py"
    mat = _materials(b)
    floor, walls, ceiling = _room()
    desk = _mesh(b, "Desk", [(_desk(), mat["wood"])])
    meshes = {
        "Floor": _mesh(b, "Floor", [(floor, mat["floor"])]),
        "Walls": _mesh(b, "Walls", [(walls, mat["wall"])]),
        "Ceiling": _mesh(b, "Ceiling", [(ceiling, mat["wall"])]),
        "Whiteboard": _mesh(b, "Whiteboard", [(centred_box((3.0, 1.2, 0.03), (0.0, 1.5, -ROOM + 0.015)), mat["board"])]),
        "TeacherDesk": _mesh(b, "TeacherDesk", [(_desk(1.6, 0.8), mat["wood"])]),
        "Bin": _mesh(b, "WasteBin", [(_bin(), mat["metal"])]),
        "FireBase_Left": _mesh(b, "FireBaseLeft", [(_paper(-1), mat["paper"])]),
        "FireBase_Right": _mesh(b, "FireBaseRight", [(_paper(1), mat["paper"])]),
        "Flames": _mesh(b, "Flames", [(_flames(), mat["flame"])]),
        "Extinguisher": _mesh(b, "ExtinguisherBody", [(_extinguisher(), mat["red"])]),
        "Pin": _mesh(b, "Pin", [(_pin(), mat["yellow"])]),
        "Handle": _mesh(b, "Handle", [(centred_box((0.16, 0.02, 0.04), (0.05, 0.0, 0.0)), mat["black"])]),
        "Hose": _mesh(b, "Hose", [(_hose(), mat["black"])]),
    }
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

    for name in ("Floor", "Walls", "Ceiling", "Whiteboard"):
        node(name, meshes[name])
    node("TeacherDesk", meshes["TeacherDesk"], t=(-1.2, 0.0, -2.8))
    k = 0
    for z in (-0.2, 1.3, 2.8):
        for x in (-2.6, 2.6):
            k += 1
            node("Desk_%d" % k, desk, t=(x, 0.0, z), r=quat_axis_angle((0, 1, 0), math.pi / 2))
    node("Bin", meshes["Bin"], t=BIN_AT)
    node("FireBase_Left", meshes["FireBase_Left"], t=BIN_AT)
    node("FireBase_Right", meshes["FireBase_Right"], t=BIN_AT)
    node("Flames", meshes["Flames"], t=BIN_AT)
    ex, _, ez = EXT_AT
    node("Extinguisher", meshes["Extinguisher"], t=EXT_AT)
    node("Handle", meshes["Handle"], t=(ex, EXT_H + 0.13, ez))
    node("Pin", meshes["Pin"], t=(ex, EXT_H + 0.09, ez + 0.04))
    node("Hose", meshes["Hose"], t=EXT_AT)
    node("Spawn", t=SPAWN)
    b.use_extension("KHR_lights_punctual")
    b.doc["extensions"] = {"KHR_lights_punctual": {"lights": [
        {"name": "Sun", "type": "directional", "color": [1.0, 0.97, 0.92], "intensity": 2.0},
        {"name": "CeilingLight", "type": "point", "color": [1.0, 0.98, 0.95], "intensity": 12.0, "range": 12.0}]}}
    node("Sun", t=(0.0, 2.9, 0.0), r=quat_look(normalize((0.3, -0.85, -0.4))),
         extensions={"KHR_lights_punctual": {"light": 0}})
    node("CeilingLight", t=(0.0, 2.4, 0.5), extensions={"KHR_lights_punctual": {"light": 1}})
    cam = b.camera({"name": "OverviewCamera", "type": "perspective",
                    "perspective": {"yfov": 0.9, "aspectRatio": 1.777778, "znear": 0.05, "zfar": 50.0}})
    eye, target = (2.8, 2.6, 3.6), (0.0, 0.5, -1.2)
    node("OverviewCamera", t=eye, r=quat_look(normalize(sub(target, eye))), camera=cam)
    return b.glb(list(range(len(b.doc["nodes"]))), scene_name="Classroom")
