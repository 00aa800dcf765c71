# SPDX-License-Identifier: Apache-2.0
"""A baseline JPEG (JFIF) encoder, standard library only: 8-bit YCbCr
4:4:4, the example quantisation and Huffman tables of ITU-T T.81 Annex K
scaled by a quality factor. Small and deterministic, for test images."""
import math
import struct

_ZIGZAG = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48,
           41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15,
           23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63]

# T.81 Table K.1 and K.2 (natural order).
_QL = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57,
       69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64,
       81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
_QC = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99,
       99, 99, 47, 66, 99, 99, 99, 99, 99, 99] + [99] * 32

# T.81 Tables K.3-K.6: (bits per code length 1..16, values).
_DC_L = ([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], list(range(12)))
_DC_C = ([0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], list(range(12)))
_AC_L = ([0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d], bytes.fromhex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a"
    "25262728292a3435363738393a434445464748494a535455565758595a636465666768696a73747576777879"
    "7a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9"
    "cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"))
_AC_C = ([0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77], bytes.fromhex(
    "000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f1"
    "1718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a7374757677"
    "78797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6"
    "c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa"))


def _codes(spec):
    bits, vals = spec
    table, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            table[vals[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return table


def _scaled(q, quality):
    s = 5000 // quality if quality < 50 else 200 - 2 * quality
    return [min(255, max(1, (v * s + 50) // 100)) for v in q]


class _Bits:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, code, length):
        self.acc = (self.acc << length) | code
        self.n += length
        while self.n >= 8:
            byte = (self.acc >> (self.n - 8)) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0)  # byte stuffing
            self.n -= 8
        self.acc &= (1 << self.n) - 1

    def flush(self):
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)


_COS = [[math.cos((2 * x + 1) * u * math.pi / 16) for x in range(8)] for u in range(8)]


_C = [[(math.sqrt(0.125) if u == 0 else 0.5) * _COS[u][x] for x in range(8)] for u in range(8)]


def _fdct(block):
    """The 2-D DCT-II of T.81 A.3.3, as rows then columns (separable)."""
    tmp = [0.0] * 64
    for y in range(8):
        row = block[y * 8:y * 8 + 8]
        for u in range(8):
            c = _C[u]
            tmp[y * 8 + u] = sum(c[x] * row[x] for x in range(8))
    out = [0.0] * 64
    for u in range(8):
        col = [tmp[y * 8 + u] for y in range(8)]
        for v in range(8):
            c = _C[v]
            out[v * 8 + u] = sum(c[y] * col[y] for y in range(8))
    return out


def _magnitude(v):
    n = abs(v).bit_length()
    return n, (v if v >= 0 else v + (1 << n) - 1)


def encode(width, height, rgb, quality=92):
    """rgb: width*height*3 bytes, rows top first. Returns JFIF bytes."""
    qs = [_scaled(_QL, quality), _scaled(_QC, quality)]
    dc = [_codes(_DC_L), _codes(_DC_C)]
    ac = [_codes(_AC_L), _codes(_AC_C)]
    # Colour conversion (JFIF), level shift.
    planes = [[0.0] * (width * height) for _ in range(3)]
    for i in range(width * height):
        r, g, b = rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]
        planes[0][i] = 0.299 * r + 0.587 * g + 0.114 * b - 128
        planes[1][i] = -0.168736 * r - 0.331264 * g + 0.5 * b
        planes[2][i] = 0.5 * r - 0.418688 * g - 0.081312 * b
    bits = _Bits()
    pred = [0, 0, 0]
    for by in range(0, height, 8):
        for bx in range(0, width, 8):
            for c in range(3):
                t = 0 if c == 0 else 1
                block = [planes[c][min(by + y, height - 1) * width + min(bx + x, width - 1)]
                         for y in range(8) for x in range(8)]
                coef = _fdct(block)
                zz = [int(round(coef[_ZIGZAG[k]] / qs[t][_ZIGZAG[k]])) for k in range(64)]
                diff = zz[0] - pred[c]
                pred[c] = zz[0]
                n, m = _magnitude(diff)
                bits.put(*dc[t][n])
                if n:
                    bits.put(m, n)
                run = 0
                for k in range(1, 64):
                    if zz[k] == 0:
                        run += 1
                        continue
                    while run > 15:
                        bits.put(*ac[t][0xF0])
                        run -= 16
                    n, m = _magnitude(zz[k])
                    bits.put(*ac[t][(run << 4) | n])
                    bits.put(m, n)
                    run = 0
                if run:
                    bits.put(*ac[t][0x00])
    bits.flush()

    def seg(marker, data):
        return struct.pack(">HH", marker, len(data) + 2) + data

    out = b"\xff\xd8"
    out += seg(0xFFE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
    for t in range(2):
        out += seg(0xFFDB, bytes([t]) + bytes(qs[t][_ZIGZAG[k]] for k in range(64)))
    out += seg(0xFFC0, struct.pack(">BHHB", 8, height, width, 3) +
               bytes([1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]))
    for cls, t, spec in ((0, 0, _DC_L), (1, 0, _AC_L), (0, 1, _DC_C), (1, 1, _AC_C)):
        out += seg(0xFFC4, bytes([(cls << 4) | t]) + bytes(spec[0]) + bytes(spec[1]))
    out += seg(0xFFDA, bytes([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]))
    return out + bytes(bits.out) + b"\xff\xd9"
