#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A scene that brings its own environment (docs/environment.md): a small
glTF written here, with `asset.extras.stoa.environment` naming an
equirectangular PNG beside it (128x64, made here too: a pink sky to the
north, a cyan sky to the south, a green ground). `stoa render` must show
that picture behind the scene (pink looking north, cyan looking south),
light the ball from it (pink-ish on top, green-ish below: the SH ambient),
let --sky beat the scene, take the scene's `sky` time, and fall back to the
procedural sky with a warning naming the file and the field when the image
is missing or not 2:1; `stoa lint` reports missing images.

  test_render_envmap.py STOA SOURCE_DIR OUT_DIR"""
import base64
import json
import math
import os
import struct
import subprocess
import sys

SIZE = (128, 72)
PINK, CYAN, GREEN = (230, 70, 170), (40, 200, 220), (40, 150, 40)


def env_png(png, path, w=128, h=64):
    px = bytearray()
    for y in range(h):
        for x in range(w):
            if y >= h // 2:
                px += bytes(GREEN)
            else:  # the middle half of the columns looks north (-Z)
                px += bytes(PINK if w // 4 <= x < 3 * w // 4 else CYAN)
    with open(path, "wb") as f:
        f.write(png.encode(w, h, bytes(px), 3))


def sphere(rings=12, segs=24):
    pos, idx = [], []
    for i in range(rings + 1):
        t = math.pi * i / rings
        for j in range(segs + 1):
            p = 2 * math.pi * j / segs
            pos.append((math.sin(t) * math.cos(p), math.cos(t), math.sin(t) * math.sin(p)))
    for i in range(rings):
        for j in range(segs):
            a, b = i * (segs + 1) + j, (i + 1) * (segs + 1) + j
            idx += [a, a + 1, b, a + 1, b + 1, b]
    return pos, idx


def write_gltf(path, extras, look_south=False):
    pos, idx = sphere()
    vb = b"".join(struct.pack("<3f", *p) for p in pos)
    ib = b"".join(struct.pack("<H", i) for i in idx)
    data = vb + vb + ib
    # A camera 4 m from the ball, looking north (-Z) or south (+Z).
    rot = [0, 1, 0, 0] if look_south else [0, 0, 0, 1]
    doc = {
        "asset": {"version": "2.0", "extras": extras},
        "scene": 0,
        "scenes": [{"nodes": [0, 1]}],
        "nodes": [{"name": "Ball", "mesh": 0},
                  {"name": "Camera", "camera": 0, "rotation": rot,
                   "translation": [0, 0.3, -4 if look_south else 4]}],
        "cameras": [{"type": "perspective",
                     "perspective": {"yfov": 0.9, "znear": 0.1, "zfar": 100}}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "NORMAL": 1},
                                    "indices": 2, "material": 0}]}],
        "materials": [{"pbrMetallicRoughness": {"baseColorFactor": [0.9, 0.9, 0.9, 1],
                                                "metallicFactor": 0, "roughnessFactor": 0.9}}],
        "buffers": [{"byteLength": len(data),
                     "uri": "data:application/octet-stream;base64,"
                            + base64.b64encode(data).decode()}],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(vb)},
                        {"buffer": 0, "byteOffset": len(vb), "byteLength": len(vb)},
                        {"buffer": 0, "byteOffset": 2 * len(vb), "byteLength": len(ib)}],
        "accessors": [{"bufferView": 0, "componentType": 5126, "count": len(pos), "type": "VEC3",
                       "min": [-1, -1, -1], "max": [1, 1, 1]},
                      {"bufferView": 1, "componentType": 5126, "count": len(pos), "type": "VEC3"},
                      {"bufferView": 2, "componentType": 5123, "count": len(idx),
                       "type": "SCALAR"}],
    }
    with open(path, "w") as f:
        json.dump(doc, f)


def render(stoa, scene, out, *extra):
    cmd = [stoa, "render", scene, "--out", out, "--camera", "Camera", "--size",
           "%dx%d" % SIZE, "--shadows", "off"] + list(extra)
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if run.returncode != 0:
        raise RuntimeError("stoa render exited %d: %s" % (run.returncode, run.stderr[-600:]))
    return run.stderr


def region(png, path, x0, y0, x1, y1):
    with open(path, "rb") as f:
        w, h, ch, px = png.decode(f.read())
    s, n = [0, 0, 0], 0
    for y in range(y0, y1):
        for x in range(x0, x1):
            for c in range(3):
                s[c] += px[(y * w + x) * ch + c]
            n += 1
    return [round(v / n) for v in s]


def main():
    stoa, source, out = sys.argv[1:4]
    sys.path.insert(0, os.path.join(source, "tools", "scenegen"))
    import png
    os.makedirs(out, exist_ok=True)
    env_png(png, os.path.join(out, "env.png"))
    env_png(png, os.path.join(out, "square.png"), 32, 32)
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    W, H = SIZE
    top = (0, 0, W, 6)           # sky above the ball
    ball_up = (W // 2 - 4, H // 2 - 14, W // 2 + 4, H // 2 - 9)
    ball_down = (W // 2 - 4, H // 2 + 9, W // 2 + 4, H // 2 + 14)

    north = os.path.join(out, "north.gltf")
    write_gltf(north, {"stoa": {"environment": "env.png"}})
    pic = os.path.join(out, "envmap-north.png")
    render(stoa, north, pic)
    sky, up, down = (region(png, pic, *r) for r in (top, ball_up, ball_down))
    print("north: sky %s, ball top %s, ball bottom %s" % (sky, up, down))
    check(sky[0] > sky[1] + 60 and sky[2] > sky[1] + 40, "looking north the sky is the pink image")
    check(up[0] > up[1] and down[1] > down[0] and down[1] > down[2],
          "the ball is lit pink from above and green from below (the image's light)")

    south = os.path.join(out, "south.gltf")
    write_gltf(south, {"stoa": {"environment": "env.png"}}, look_south=True)
    pic = os.path.join(out, "envmap-south.png")
    render(stoa, south, pic)
    sky = region(png, pic, *top)
    print("south: sky %s" % sky)
    check(sky[2] > sky[0] + 80 and sky[1] > sky[0] + 80, "looking south the sky is the cyan image")

    pic = os.path.join(out, "envmap-cli-wins.png")
    render(stoa, north, pic, "--sky", "12:00")
    sky = noon = region(png, pic, *top)
    check(sky[2] > sky[0] + 10 and not sky[0] > sky[1] + 60, "--sky 12:00 beats the scene's image "
          "(procedural blue %s)" % sky)

    pic = os.path.join(out, "envmap-cli-image.png")
    render(stoa, north, pic, "--sky", os.path.join(out, "env.png"))
    check(region(png, pic, *top)[0] > 150, "--sky IMAGE draws that image")

    dusk = os.path.join(out, "dusk.gltf")
    write_gltf(dusk, {"stoa": {"sky": {"time": "18:00", "shadows": "high"}}})
    pic = os.path.join(out, "envmap-scene-dusk.png")
    render(stoa, dusk, pic)
    sky = region(png, pic, *top)
    check(sky[2] < noon[2] - 30 and sky[0] < noon[0] + 20,
          "the scene's own sky time 18:00: a dimmer evening sky %s (noon %s)" % (sky, noon))

    missing = os.path.join(out, "missing.gltf")
    write_gltf(missing, {"stoa": {"environment": "nowhere.png"}})
    pic = os.path.join(out, "envmap-missing.png")
    err = render(stoa, missing, pic)
    print(err.strip())
    check("nowhere.png" in err and "asset.extras.stoa.environment" in err and
          "procedural sky" in err, "a missing image is named with its field")
    sky = region(png, pic, *top)
    check(sky[2] > sky[0] + 10, "and the procedural sky is drawn instead %s" % sky)

    square = os.path.join(out, "square.gltf")
    write_gltf(square, {"stoa": {"environment": "square.png"}})
    err = render(stoa, square, os.path.join(out, "envmap-square.png"))
    check("32x32" in err and "twice as wide" in err, "a 32x32 image is refused: " + err.strip())

    bad = os.path.join(out, "bad.gltf")
    write_gltf(bad, {"stoa": {"environment": "../env.png"}})
    err = render(stoa, bad, os.path.join(out, "envmap-bad.png"))
    check("asset.extras.stoa.environment" in err, "a path out of the scene's folder is refused: "
          + err.strip())

    # `stoa lint` names what a run would fall back from.
    def lint(scene, sky):
        lesson = os.path.join(out, "lint.yaml")
        with open(lesson, "w") as f:
            f.write("stoa_lesson: 1\nid: test.envmap\ntitle: Env\nlanguages: [en]\n"
                    "scene: %s\n%sstart: a\nstates:\n  a:\n    on_enter: [end: completed]\n"
                    % (scene, "sky: {environment: %s}\n" % sky if sky else ""))
        run = subprocess.run([stoa, "lint", lesson], capture_output=True, text=True, timeout=120)
        return run.returncode, run.stdout + run.stderr

    rc, text = lint("north.gltf", "env.png")
    check(rc == 0 and "environment" not in text, "lint: a good image passes (%d: %s)"
          % (rc, text.strip()[-200:]))
    rc, text = lint("missing.gltf", None)
    check(rc != 0 and "scene-environment" in text and "nowhere.png" in text,
          "lint: the scene's missing image is an error: " + text.strip()[-200:])
    rc, text = lint("north.gltf", "nowhere.jpg")
    check(rc != 0 and "sky-environment" in text, "lint: the lesson's missing image is an error")

    print("%d checks failed" % len(failures) if failures else "all environment checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
