# SPDX-License-Identifier: Apache-2.0
"""Minimal PNG writer and reader (8-bit RGB/RGBA, no interlace), stdlib only.

The writer is deterministic: a fixed filter choice per row and a fixed zlib
level, so the same pixels always give the same bytes (with the same zlib).
The reader understands exactly what the writer produces (and other simple
8-bit truecolour PNGs); the preview uses it to read textures back from a .glb.
"""
import struct
import zlib


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def _filter_rows(raw, width, height, bpp):
    """Filters each row with 'Up' (type 2) except the first ('Sub', type 1).

    Procedural textures are smooth vertically, so 'Up' compresses them well
    and needs no per-row search (which would be slow in pure Python).
    """
    stride = width * bpp
    out = bytearray()
    prev = None
    for y in range(height):
        row = raw[y * stride:(y + 1) * stride]
        if prev is None:
            out.append(1)
            out += bytes((row[i] - (row[i - bpp] if i >= bpp else 0)) & 0xFF for i in range(stride))
        else:
            out.append(2)
            out += bytes((a - b) & 0xFF for a, b in zip(row, prev))
        prev = row
    return bytes(out)


def encode(width, height, pixels, channels=3):
    """pixels: bytes/bytearray of width*height*channels, row 0 at the top."""
    assert channels in (3, 4) and len(pixels) == width * height * channels
    colour_type = 2 if channels == 3 else 6
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    idat = zlib.compress(_filter_rows(bytes(pixels), width, height, channels), 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data):
    """Returns (width, height, channels, pixels) for 8-bit RGB/RGBA PNGs."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, "unsupported PNG"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    out = bytearray(stride * height)
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                row[i] = (row[i] + a) & 0xFF
            elif ftype == 2:
                row[i] = (row[i] + b) & 0xFF
            elif ftype == 3:
                row[i] = (row[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                row[i] = (row[i] + _paeth(a, b, c)) & 0xFF
        out[y * stride:(y + 1) * stride] = row
        prev = row
    return width, height, bpp, bytes(out)
