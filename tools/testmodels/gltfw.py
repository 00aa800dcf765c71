# SPDX-License-Identifier: Apache-2.0
"""A glTF 2.0 writer for the test models: any accessor component type,
normalised or not, sparse accessors, interleaved or separate buffer views,
buffers and images stored external, as data: URIs or in a .glb BIN chunk.
Deterministic: JSON keys keep insertion order, floats are rounded."""
import base64
import json
import math
import os
import struct

BYTE, UBYTE, SHORT, USHORT, UINT, FLOAT = 5120, 5121, 5122, 5123, 5125, 5126
ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER = 34962, 34963
NEAREST, LINEAR = 9728, 9729
NEAREST_MIPMAP_NEAREST, LINEAR_MIPMAP_NEAREST = 9984, 9985
NEAREST_MIPMAP_LINEAR, LINEAR_MIPMAP_LINEAR = 9986, 9987
CLAMP, MIRROR, REPEAT = 33071, 33648, 10497

_FMT = {BYTE: "b", UBYTE: "B", SHORT: "h", USHORT: "H", UINT: "I", FLOAT: "f"}
_SIZE = {BYTE: 1, UBYTE: 1, SHORT: 2, USHORT: 2, UINT: 4, FLOAT: 4}
_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT4": 16}
_NORM_MAX = {BYTE: 127, UBYTE: 255, SHORT: 32767, USHORT: 65535}


def rnd(x):
    """Rounds for the JSON so that -0.0 and float noise never reach a file."""
    v = float("%.9g" % float(x))  # 9 digits: every float32 survives the trip
    return 0.0 if v == 0 else v


def f32(x):
    return struct.unpack("<f", struct.pack("<f", float(x)))[0]


def encode(value, ctype, normalized):
    """One component as stored: normalised values are rounded to integers."""
    if ctype == FLOAT:
        return float(value)
    if normalized:
        return int(round(value * _NORM_MAX[ctype]))
    return int(value)


def decode(stored, ctype, normalized):
    """What a reader must make of a stored component (glTF 2.0, 3.11)."""
    if ctype == FLOAT:
        return f32(stored)
    if normalized:
        return max(stored / _NORM_MAX[ctype], -1.0)
    return float(stored)


class Doc:
    """One glTF document. Buffer 0 is the main buffer; add_buffer() makes more."""

    def __init__(self, name):
        self.name = name
        self.j = {"asset": {"version": "2.0", "generator": "Stoa tools/testmodels"}}
        self.bins = [bytearray()]
        self.image_files = {}  # external image name -> bytes

    def add(self, key, obj):
        self.j.setdefault(key, []).append(obj)
        return len(self.j[key]) - 1

    def use(self, ext, required=False):
        used = self.j.setdefault("extensionsUsed", [])
        if ext not in used:
            used.append(ext)
        if required:
            req = self.j.setdefault("extensionsRequired", [])
            if ext not in req:
                req.append(ext)

    def add_buffer(self):
        self.bins.append(bytearray())
        return len(self.bins) - 1

    # ---- raw data ---------------------------------------------------------------

    def view(self, data, buffer=0, stride=None, target=None, align=4):
        b = self.bins[buffer]
        while len(b) % align:
            b.append(0)
        v = {"buffer": buffer, "byteOffset": len(b), "byteLength": len(data)}
        if stride:
            v["byteStride"] = stride
        if target:
            v["target"] = target
        b += data
        return self.add("bufferViews", v)

    @staticmethod
    def pack(rows, ctype, normalized=False, pad_to=None):
        """Packs rows of components; each row padded to 4 bytes (3.11: each
        element of a vertex attribute starts on a 4-byte boundary)."""
        out = bytearray()
        for row in rows:
            for c in row:
                out += struct.pack("<" + _FMT[ctype], encode(c, ctype, normalized))
            while pad_to and len(out) % pad_to:
                out.append(0)
        return bytes(out)

    def accessor(self, rows, kind, ctype=FLOAT, normalized=False, target=ARRAY_BUFFER,
                 minmax=False, buffer=0, name=None):
        """A tightly packed accessor over its own buffer view. Returns (index,
        the values a reader must decode)."""
        width = _WIDTH[kind]
        size = _SIZE[ctype] * width
        vertex = target == ARRAY_BUFFER
        stride = None
        if vertex and size % 4:
            stride = size + (-size % 4)
        data = self.pack(rows, ctype, normalized, pad_to=4 if stride else None)
        view = self.view(data, buffer=buffer, stride=stride, target=target)
        acc = {"bufferView": view, "componentType": ctype, "count": len(rows), "type": kind}
        if normalized:
            acc["normalized"] = True
        decoded = [[decode(encode(c, ctype, normalized), ctype, normalized) for c in r] for r in rows]
        if minmax:
            self._minmax(acc, rows, ctype, normalized, width)
        if name:
            acc["name"] = name
        return self.add("accessors", acc), decoded

    def _minmax(self, acc, rows, ctype, normalized, width):
        stored = [[encode(c, ctype, normalized) for c in r] for r in rows]
        if ctype == FLOAT:
            stored = [[f32(c) for c in r] for r in stored]
        acc["min"] = [min(r[k] for r in stored) for k in range(width)]
        acc["max"] = [max(r[k] for r in stored) for k in range(width)]

    def interleaved(self, columns, buffer=0):
        """columns: (rows, kind, ctype, normalized) sharing one vertex buffer
        view with a byteStride. Returns [(accessor, decoded)] per column."""
        count = len(columns[0][0])
        sizes = [_SIZE[c[2]] * _WIDTH[c[1]] for c in columns]
        offsets, stride = [], 0
        for s in sizes:
            offsets.append(stride)
            stride += s + (-s % 4)
        data = bytearray()
        for i in range(count):
            for (rows, kind, ctype, norm), s in zip(columns, sizes):
                data += self.pack([rows[i]], ctype, norm)
                data += b"\0" * (-s % 4)
        view = self.view(bytes(data), buffer=buffer, stride=stride, target=ARRAY_BUFFER)
        out = []
        for (rows, kind, ctype, norm), off in zip(columns, offsets):
            acc = {"bufferView": view, "byteOffset": off, "componentType": ctype,
                   "count": count, "type": kind}
            if norm:
                acc["normalized"] = True
            if kind == "VEC3" and ctype == FLOAT and columns.index((rows, kind, ctype, norm)) == 0:
                self._minmax(acc, rows, ctype, norm, 3)
            out.append((self.add("accessors", acc),
                        [[decode(encode(c, ctype, norm), ctype, norm) for c in r] for r in rows]))
        return out

    def sparse_accessor(self, base_rows, changes, kind, ctype=FLOAT, with_view=True, minmax=False):
        """An accessor whose values are base_rows (or zeros without a view)
        with `changes` {index: row} substituted through a sparse section."""
        width = _WIDTH[kind]
        acc = {"componentType": ctype, "count": len(base_rows), "type": kind}
        if with_view:
            acc["bufferView"] = self.view(self.pack(base_rows, ctype), target=ARRAY_BUFFER)
        idx = sorted(changes)
        iview = self.view(struct.pack("<%dH" % len(idx), *idx))
        vview = self.view(self.pack([changes[i] for i in idx], ctype))
        acc["sparse"] = {"count": len(idx),
                         "indices": {"bufferView": iview, "componentType": USHORT},
                         "values": {"bufferView": vview}}
        final = [list(r) if with_view else [0.0] * width for r in base_rows]
        for i in idx:
            final[i] = list(changes[i])
        final = [[f32(c) for c in r] for r in final]
        if minmax:
            acc["min"] = [min(r[k] for r in final) for k in range(width)]
            acc["max"] = [max(r[k] for r in final) for k in range(width)]
        return self.add("accessors", acc), final

    def indices(self, idx, ctype=USHORT):
        data = struct.pack("<%d%s" % (len(idx), _FMT[ctype]), *idx)
        view = self.view(data, target=ELEMENT_ARRAY_BUFFER)
        return self.add("accessors", {"bufferView": view, "componentType": ctype,
                                      "count": len(idx), "type": "SCALAR"})

    # ---- images -----------------------------------------------------------------

    def image(self, data, mime, how, name):
        """how: 'file' (name is the file beside the model), 'data' (data: URI)
        or 'view' (a buffer view of buffer 0)."""
        if how == "file":
            self.image_files[name] = data
            return self.add("images", {"uri": name})
        if how == "data":
            uri = "data:%s;base64,%s" % (mime, base64.b64encode(data).decode("ascii"))
            return self.add("images", {"name": name, "uri": uri})
        return self.add("images", {"name": name, "bufferView": self.view(data), "mimeType": mime})

    def sampler(self, mag=None, min_=None, wrap_s=None, wrap_t=None):
        s = {}
        if mag is not None:
            s["magFilter"] = mag
        if min_ is not None:
            s["minFilter"] = min_
        if wrap_s is not None:
            s["wrapS"] = wrap_s
        if wrap_t is not None:
            s["wrapT"] = wrap_t
        return self.add("samplers", s)

    def texture(self, image, sampler=None):
        t = {"source": image}
        if sampler is not None:
            t["sampler"] = sampler
        return self.add("textures", t)

    # ---- output -----------------------------------------------------------------

    def _finish_buffers(self, how, base):
        bufs = []
        for i, b in enumerate(self.bins):
            while len(b) % 4:
                b.append(0)
            entry = {"byteLength": len(b)}
            if how == "glb" and i == 0:
                pass
            elif how == "data":
                entry["uri"] = "data:application/octet-stream;base64," + \
                    base64.b64encode(bytes(b)).decode("ascii")
            else:
                entry["uri"] = "%s%s.bin" % (base, "" if i == 0 else str(i))
            bufs.append(entry)
        self.j["buffers"] = bufs

    def text(self):
        return json.dumps(_rounded(self.j), indent=1, ensure_ascii=False).encode("utf-8")

    def write(self, folder, how):
        """how: 'bin' (.gltf + external .bin), 'data' (.gltf with data: URIs)
        or 'glb'. Returns the written model's path relative to `folder`'s parent."""
        os.makedirs(folder, exist_ok=True)
        base = self.name
        self._finish_buffers(how, base)
        files = {}
        if how == "glb":
            text = self.text()
            text += b" " * (-len(text) % 4)
            b0 = bytes(self.bins[0])
            body = struct.pack("<II", len(text), 0x4E4F534A) + text
            if b0:
                body += struct.pack("<II", len(b0), 0x004E4942) + b0
            files[base + ".glb"] = struct.pack("<III", 0x46546C67, 2, 12 + len(body)) + body
            for i, b in enumerate(self.bins[1:], 1):
                files["%s%d.bin" % (base, i)] = bytes(b)
            main = base + ".glb"
        else:
            files[base + ".gltf"] = self.text() + b"\n"
            if how == "bin":
                for i, b in enumerate(self.bins):
                    files["%s%s.bin" % (base, "" if i == 0 else str(i))] = bytes(b)
            main = base + ".gltf"
        files.update(self.image_files)
        for name, data in files.items():
            _write(os.path.join(folder, name), data)
        return main


def _rounded(v):
    if isinstance(v, float):
        return rnd(v) if math.isfinite(v) else v
    if isinstance(v, list):
        return [_rounded(x) for x in v]
    if isinstance(v, dict):
        return {k: _rounded(x) for k, x in v.items()}
    return v


def _write(path, data):
    """Writes only when the bytes differ, so a rebuild leaves files (and their
    times) alone; never leaves a half-written file behind."""
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return
    except OSError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
