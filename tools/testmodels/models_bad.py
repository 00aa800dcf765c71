# SPDX-License-Identifier: Apache-2.0
"""Files that break the rules on purpose. Each must be refused both by the
Khronos glTF-Validator and by Stoa (with a message naming the file)."""
import json
import os

import gltfw as G
import shapes as S


def _box_doc(name):
    d = G.Doc(name)
    pos, nrm, uv, idx = S.cube()
    pa = d.accessor(pos, "VEC3", minmax=True)[0]
    mesh = d.add("meshes", {"primitives": [{"attributes": {"POSITION": pa},
                                            "indices": d.indices(idx)}]})
    d.j["nodes"] = [{"name": "Box", "mesh": mesh}]
    d.j["scene"] = d.add("scenes", {"nodes": [0]})
    return d


def _write_json(folder, name, j):
    G._write(os.path.join(folder, name), json.dumps(j, indent=1).encode("utf-8") + b"\n")


def bad(out):
    folder = os.path.join(out, "bad")
    os.makedirs(folder, exist_ok=True)
    refused = []

    def add(name, why, stoa):
        refused.append({"file": "bad/" + name, "why": why, "stoa": stoa})

    d = _box_doc("index-out-of-range")
    d.bins[0][len(d.bins[0]) - 72:len(d.bins[0]) - 70] = (99).to_bytes(2, "little")
    d.write(folder, "bin")
    add("index-out-of-range.gltf", "an index (99) beyond the 24 vertices", "index")

    d = _box_doc("accessor-overrun")
    d.j["accessors"][0]["count"] = 500
    d.write(folder, "bin")
    add("accessor-overrun.gltf", "an accessor reads past the end of its buffer view", "accessor")

    d = _box_doc("uri-escape")
    d.write(folder, "bin")
    d.j["buffers"][0]["uri"] = "../../outside-the-folder.bin"
    _write_json(folder, "uri-escape.gltf", d.j)
    add("uri-escape.gltf", "a buffer URI that leaves the model's folder", "folder")

    d = _box_doc("node-cycle")
    d.j["nodes"] = [{"name": "A", "children": [1], "mesh": 0}, {"name": "B", "children": [0]}]
    d.write(folder, "bin")
    add("node-cycle.gltf", "node A is its own grandparent", "cycle")

    d = _box_doc("bad-reference")
    d.j["nodes"][0]["mesh"] = 7
    d.write(folder, "bin")
    add("bad-reference.gltf", "a node names mesh 7 of 1", "mesh")

    d = _box_doc("missing-bin")
    d.write(folder, "bin")
    d.j["buffers"][0]["uri"] = "not-there.bin"
    _write_json(folder, "missing-bin.gltf", d.j)
    add("missing-bin.gltf", "the buffer's file does not exist", "not-there.bin")

    d = _box_doc("truncated")
    d.write(folder, "glb")
    path = os.path.join(folder, "truncated.glb")
    with open(path, "rb") as f:
        data = f.read()
    G._write(path, data[:len(data) // 2])
    add("truncated.glb", "a .glb cut in half", "truncated")

    d = _box_doc("broken-json")
    d.write(folder, "bin")
    G._write(os.path.join(folder, "broken-json.gltf"), d.text()[:-40])
    add("broken-json.gltf", "JSON that stops in the middle", "JSON")
    return refused


def bad_extensions(out):
    """Extension rules broken: integer positions without KHR_mesh_quantization."""
    folder = os.path.join(out, "bad")
    d = G.Doc("quantized-without-extension")
    pos, nrm, uv, idx = S.cube()
    pa = d.accessor([[int(c * 2) for c in p] for p in pos], "VEC3", G.SHORT, minmax=True)[0]
    mesh = d.add("meshes", {"primitives": [{"attributes": {"POSITION": pa},
                                            "indices": d.indices(idx)}]})
    d.j["nodes"] = [{"name": "Box", "mesh": mesh}]
    d.j["scene"] = d.add("scenes", {"nodes": [0]})
    d.write(folder, "bin")
    return [{"file": "bad/quantized-without-extension.gltf",
             "why": "SHORT positions without KHR_mesh_quantization", "stoa": "KHR_mesh_quantization"}]
