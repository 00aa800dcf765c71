#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Renders every generated test model that has "render" expectations in
its manifest entry through `stoa render --camera` and compares pixel
colours at the places the generator computed (unlit materials, so the
colours are exact up to rasterisation): texture quadrants, wrap modes,
texture coordinate sets, vertex colours of every encoding, JPEG images,
alpha modes, double-sided faces, a skin posed at a time. The pictures
stay in OUT_DIR to be looked at.

  test_render_generated.py STOA TESTMODELS_DIR SOURCE_DIR OUT_DIR"""
import json
import os
import subprocess
import sys


def main():
    stoa, models, source, out = sys.argv[1:5]
    sys.path.insert(0, os.path.join(source, "tools", "scenegen"))
    import png
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(models, "manifest.json")) as f:
        manifest = json.load(f)
    passed = failed = 0
    for m in manifest["models"]:
        for k, r in enumerate(m["expect"].get("render", [])):
            name = "%s-%d" % (m["file"].replace("/", "_").replace(".", "_"), k)
            pic = os.path.join(out, name + ".png")
            cmd = [stoa, "render", os.path.join(models, m["file"]), "--out", pic,
                   "--camera", r["camera"], "--size", "%dx%d" % tuple(r["size"]),
                   "--time", str(r["time"]),
                   # the expected colours are unlit materials over the clear colour
                   "--sky", "off"]
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            if run.returncode != 0:
                print("FAIL %s: stoa render exited %d: %s" % (name, run.returncode,
                                                               run.stderr.strip()[-400:]))
                failed += 1
                continue
            with open(pic, "rb") as f:
                w, h, ch, px = png.decode(f.read())
            bad = []
            for x, y, cr, cg, cb, tol, what in r["pixels"]:
                if not (0 <= x < w and 0 <= y < h):
                    bad.append("%s at %d,%d: outside the %dx%d picture" % (what, x, y, w, h))
                    continue
                i = (y * w + x) * ch
                got = tuple(px[i:i + 3])
                if any(abs(a - b) > tol for a, b in zip(got, (cr, cg, cb))):
                    bad.append("%s at %d,%d: %s, want %s" % (what, x, y, got, (cr, cg, cb)))
            if bad:
                failed += 1
                print("FAIL %s (%s)\n  %s" % (name, pic, "\n  ".join(bad)))
            else:
                passed += 1
                print("ok   %s: %d pixels" % (name, len(r["pixels"])))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
