# SPDX-License-Identifier: Apache-2.0
"""Controller and hand models for the headset's overlay (assets/controllers,
docs/environment.md): three models in the pose of an OpenXR aim pose, the
pointer's tip at the origin and the laser along -Z, +Y up, so the laser
starts at the model's tip. Each is split into parts the runtime lights when
pressed:

  controller.*  trigger, grip and thumbstick controllers (Touch, Index, Vive,
                Windows Mixed Reality): body, trigger, grip, stick
  simple.*      khr/simple_controller: body, trigger (its select button)
  hand.*        anything else (hand interaction): palm, index finger (select,
                "trigger"), the other fingers (squeeze, "grip")

Meshes are named MODEL.PART, one node each. Deterministic (scenegen's writer)."""
import math

import geometry as g
from gltf import GlbBuilder

SEGMENTS = 16


def _along_z(mesh):
    """A lathe made about +Y turned to run along +Z (its y becomes z)."""
    return mesh.transformed(g.rotation((1, 0, 0), math.pi / 2))


def _rod(radius_profile, at, tilt=0.0):
    """A closed lathe along +Z (profile of (r, z)), tilted about X, moved to `at`."""
    prof = [(0.0, radius_profile[0][1])] + list(radius_profile) + [(0.0, radius_profile[-1][1])]
    m = _along_z(g.lathe(prof, SEGMENTS))
    return m.transformed(g.compose(g.translate(at), g.rotation((1, 0, 0), tilt)))


def controller_parts():
    body = _rod([(0.010, 0.000), (0.016, 0.010), (0.021, 0.030), (0.020, 0.090),
                 (0.016, 0.115), (0.008, 0.125)], (0.0, 0.0, 0.0))
    # the handle, leaning back under the body
    body.extend(_rod([(0.012, 0.0), (0.017, 0.015), (0.016, 0.080), (0.010, 0.095)],
                     (0.0, -0.010, 0.060), tilt=1.05))
    trigger = g.box((-0.006, -0.034, 0.018), (0.006, -0.016, 0.034))
    grip = g.box((0.013, -0.075, 0.070), (0.021, -0.035, 0.095))
    stick = _rod([(0.0045, -0.016), (0.0045, 0.0), (0.009, 0.002), (0.009, 0.006)],
                 (0.0, 0.020, 0.055), tilt=-math.pi / 2)
    return {"body": body, "trigger": trigger, "grip": grip, "stick": stick}


def simple_parts():
    body = _rod([(0.010, 0.000), (0.017, 0.012), (0.019, 0.040), (0.018, 0.150),
                 (0.012, 0.165)], (0.0, 0.0, 0.0))
    trigger = g.box((-0.007, -0.026, 0.025), (0.007, -0.012, 0.045))
    return {"body": body, "trigger": trigger}


def hand_parts():
    palm = g.box((-0.040, -0.050, 0.080), (0.035, -0.025, 0.170))
    palm.extend(g.box((0.030, -0.045, 0.090), (0.055, -0.030, 0.140)))  # thumb
    index = g.box((-0.040, -0.036, 0.000), (-0.024, -0.024, 0.080))  # points along -Z
    grip = g.Mesh()
    for k in range(3):  # three fingers curled under the palm
        x0 = -0.022 + k * 0.019
        grip.extend(g.box((x0, -0.075, 0.065), (x0 + 0.016, -0.050, 0.085)))
    return {"body": palm, "trigger": index, "grip": grip}


MODELS = [("controller", controller_parts), ("simple", simple_parts), ("hand", hand_parts)]
MATERIALS = {
    "body": {"name": "plastic", "pbrMetallicRoughness": {
        "baseColorFactor": [0.09, 0.09, 0.1, 1.0], "metallicFactor": 0.0, "roughnessFactor": 0.45}},
    "button": {"name": "button", "pbrMetallicRoughness": {
        "baseColorFactor": [0.22, 0.23, 0.25, 1.0], "metallicFactor": 0.0, "roughnessFactor": 0.6}},
    "skin": {"name": "glove", "pbrMetallicRoughness": {
        "baseColorFactor": [0.55, 0.6, 0.68, 1.0], "metallicFactor": 0.0, "roughnessFactor": 0.8}},
}


def build():
    b = GlbBuilder()
    b.doc["asset"]["generator"] = "Stoa tools/scenegen/make_controllers.py"
    mats = {k: b.material(v) for k, v in MATERIALS.items()}
    roots = []
    for model, parts_of in MODELS:
        for part, mesh in parts_of().items():
            g.check_winding(mesh, "%s.%s" % (model, part))
            g.compute_tangents(mesh)
            mat = mats["skin"] if model == "hand" else mats["body" if part == "body" else "button"]
            name = "%s.%s" % (model, part)
            roots.append(b.node({"name": name, "mesh": b.mesh(name, [(mesh, mat)])}))
    return b.glb(roots)
