# SPDX-License-Identifier: Apache-2.0
"""A small glTF 2.0 binary (.glb) writer: one buffer, one bufferView per
accessor, embedded PNG images. Output is deterministic: JSON keys keep
insertion order and floats are rounded before they are written."""
import json
import struct

ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER = 34962, 34963
FLOAT, UNSIGNED_SHORT, UNSIGNED_INT = 5126, 5123, 5125
LINEAR_MIPMAP_LINEAR, LINEAR, REPEAT = 9987, 9729, 10497


def r6(x):
    """Rounds for the JSON so that -0.0 and float noise never reach the file."""
    v = round(float(x), 6)
    return 0.0 if v == 0 else v


class GlbBuilder:
    def __init__(self):
        self.bin = bytearray()
        self.doc = {
            "asset": {"version": "2.0", "generator": "Stoa tools/scenegen/make_agora.py"},
            "extensionsUsed": [], "scene": 0, "scenes": [], "nodes": [], "meshes": [],
            "materials": [], "textures": [], "images": [], "samplers": [], "accessors": [],
            "bufferViews": [], "buffers": [], "animations": [], "cameras": [],
        }

    # ---- raw data ------------------------------------------------------------

    def _view(self, data, target=None):
        while len(self.bin) % 4:
            self.bin.append(0)
        view = {"buffer": 0, "byteOffset": len(self.bin), "byteLength": len(data)}
        if target:
            view["target"] = target
        self.bin += data
        self.doc["bufferViews"].append(view)
        return len(self.doc["bufferViews"]) - 1

    def _accessor(self, acc):
        self.doc["accessors"].append(acc)
        return len(self.doc["accessors"]) - 1

    def floats(self, rows, kind, target=ARRAY_BUFFER, minmax=False):
        """rows: tuples of equal length (kind VEC2/VEC3/VEC4/SCALAR)."""
        width = len(rows[0])
        flat = [float(c) for row in rows for c in row]
        view = self._view(struct.pack("<%df" % len(flat), *flat), target)
        acc = {"bufferView": view, "componentType": FLOAT, "count": len(rows), "type": kind}
        if minmax:
            # min/max must match the stored float32 values exactly
            as32 = [struct.unpack("<f", struct.pack("<f", c))[0] for c in flat]
            acc["min"] = [min(as32[k::width]) for k in range(width)]
            acc["max"] = [max(as32[k::width]) for k in range(width)]
        return self._accessor(acc)

    def indices(self, idx, vertex_count):
        small = vertex_count < 65536
        data = struct.pack("<%d%s" % (len(idx), "H" if small else "I"), *idx)
        view = self._view(data, ELEMENT_ARRAY_BUFFER)
        return self._accessor({"bufferView": view, "componentType": UNSIGNED_SHORT if small else UNSIGNED_INT,
                               "count": len(idx), "type": "SCALAR"})

    # ---- textures and materials ------------------------------------------------

    def sampler(self):
        if not self.doc["samplers"]:
            self.doc["samplers"].append({"magFilter": LINEAR, "minFilter": LINEAR_MIPMAP_LINEAR,
                                         "wrapS": REPEAT, "wrapT": REPEAT})
        return 0

    def texture(self, name, png_bytes):
        view = self._view(png_bytes)
        self.doc["images"].append({"name": name, "bufferView": view, "mimeType": "image/png"})
        self.doc["textures"].append({"name": name, "sampler": self.sampler(),
                                     "source": len(self.doc["images"]) - 1})
        return len(self.doc["textures"]) - 1

    def material(self, mat):
        self.doc["materials"].append(mat)
        return len(self.doc["materials"]) - 1

    def use_extension(self, name):
        if name not in self.doc["extensionsUsed"]:
            self.doc["extensionsUsed"].append(name)

    # ---- meshes, nodes, animations ---------------------------------------------

    def mesh(self, name, parts):
        """parts: (geometry.Mesh with tangents, material index) per primitive."""
        prims = []
        for m, mat in parts:
            attrs = {"POSITION": self.floats(m.positions, "VEC3", minmax=True),
                     "NORMAL": self.floats(m.normals, "VEC3"),
                     "TANGENT": self.floats(m.tangents, "VEC4"),
                     "TEXCOORD_0": self.floats(m.uvs, "VEC2")}
            prims.append({"attributes": attrs, "indices": self.indices(m.indices, len(m.positions)),
                          "material": mat, "mode": 4})
        self.doc["meshes"].append({"name": name, "primitives": prims})
        return len(self.doc["meshes"]) - 1

    def node(self, node):
        for key in ("translation", "rotation", "scale"):
            if key in node:
                node[key] = [r6(v) for v in node[key]]
        self.doc["nodes"].append(node)
        return len(self.doc["nodes"]) - 1

    def animation(self, name, channels):
        """channels: (node, path, times, values) with linear interpolation."""
        anim = {"name": name, "samplers": [], "channels": []}
        for node, path, times, values in channels:
            kind = {"rotation": "VEC4", "translation": "VEC3", "scale": "VEC3"}[path]
            inp = self.floats([(t,) for t in times], "SCALAR", target=None, minmax=True)
            out = self.floats(values, kind, target=None)
            anim["samplers"].append({"input": inp, "output": out, "interpolation": "LINEAR"})
            anim["channels"].append({"sampler": len(anim["samplers"]) - 1,
                                     "target": {"node": node, "path": path}})
        self.doc["animations"].append(anim)

    def camera(self, cam):
        self.doc["cameras"].append(cam)
        return len(self.doc["cameras"]) - 1

    # ---- output ------------------------------------------------------------------

    def glb(self, root_nodes, scene_name="Agora"):
        self.doc["scenes"].append({"name": scene_name, "nodes": root_nodes})
        while len(self.bin) % 4:
            self.bin.append(0)
        self.doc["buffers"].append({"byteLength": len(self.bin)})
        doc = {k: v for k, v in self.doc.items() if v != []}
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=True).encode("ascii")
        text += b" " * (-len(text) % 4)
        body = (struct.pack("<II", len(text), 0x4E4F534A) + text +
                struct.pack("<II", len(self.bin), 0x004E4942) + bytes(self.bin))
        return struct.pack("<III", 0x46546C67, 2, 12 + len(body)) + body


def write_scene_main(doc, build, tool, extra_args=None, after=None):
    """The command line every make_*.py shares: --out FILE (and what
    extra_args(ap) adds), the scene's bytes from build() written through a
    temporary file, so that a half-written scene is never left behind;
    after(args) runs once it is written. Returns the exit status."""
    import argparse
    import os
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--out", required=True, help="the .glb to write")
    if extra_args:
        extra_args(ap)
    args = ap.parse_args()
    data = build()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)
    print("%s: wrote %s (%d bytes)" % (tool, args.out, len(data)))
    if after:
        after(args)
    return 0
