#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An independent reader's view of scenes/agora/agora.glb: runs `assimp info`
(Debian's assimp-utils) and checks that Assimp sees every node, primitive,
material, texture, animation, the light and the camera the glTF JSON
declares, and only triangles.

usage: check_agora_assimp.py ASSIMP_PROGRAM SCENE.glb"""
import json
import re
import struct
import subprocess
import sys


def gltf_json(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<I", data[12:16])
    return json.loads(data[20:20 + length])


def main():
    assimp, scene = sys.argv[1], sys.argv[2]
    doc = gltf_json(scene)
    out = subprocess.run([assimp, "info", scene], capture_output=True, text=True).stdout

    def count(label):
        m = re.search(r"^%s:\s+(\d+)" % re.escape(label), out, re.M)
        return int(m.group(1)) if m else -1

    lights = doc.get("extensions", {}).get("KHR_lights_punctual", {}).get("lights", [])
    expected = {
        "Nodes": len(doc["nodes"]) + 1,  # Assimp adds a ROOT above the scene's roots
        "Meshes": sum(len(m["primitives"]) for m in doc["meshes"]),  # one per primitive
        "Animations": len(doc["animations"]),
        "Textures (embed.)": len(doc["images"]),
        "Materials": len(doc["materials"]),
        "Cameras": len(doc["cameras"]),
        "Lights": len(lights),
    }
    failed = False
    for label, want in expected.items():
        got = count(label)
        if got != want:
            print("FAIL: assimp info says %s: %d, the glTF declares %d" % (label, got, want))
            failed = True
    if not re.search(r"^Primitive Types:\s+triangles\s*$", out, re.M):
        print("FAIL: Assimp found primitives other than triangles (degenerate triangles read as lines)")
        failed = True
    for node in doc["nodes"]:
        if not re.search(r"[├└]╴%s(\s|$)" % re.escape(node["name"]), out):
            print("FAIL: node %s is not in Assimp's node hierarchy" % node["name"])
            failed = True
    for anim in doc["animations"]:
        if "'%s'" % anim["name"] not in out:
            print("FAIL: animation %s is not among Assimp's named animations" % anim["name"])
            failed = True
    if not failed:
        print("ok: Assimp reads all %d nodes, %d meshes, %d materials, %d textures, %d animations,"
              " %d light(s), %d camera(s)" % (len(doc["nodes"]), expected["Meshes"], expected["Materials"],
                                              expected["Textures (embed.)"], expected["Animations"],
                                              expected["Lights"], expected["Cameras"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
