#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`stoa run --sim` draws its first frame before the textures are decoded and
fades them in: with each image's decoding held back (STOA_TEST_DECODE_DELAY_MS)
the first captured frame shows the stand-in (the unlit cube's white base
colour factor), a later one the real quadrants texture, and frames between a
blend of the two. The frame thread creates no GPU object for the streamed
batch (pool and sets are made on the stream's worker). Validation layers on;
any message fails.

usage: test_run_stream.py STOA SOURCE_DIR TESTMODELS_DIR OUT_DIR
"""
import glob
import os
import re
import shutil
import subprocess
import sys

FAILS = []
VALIDATION_RE = re.compile(r"(Validation (Error|Warning)|VUID-|VALIDATION|"
                           r"Core Validation.*(Error|Warning)|XR_ERROR_VALIDATION_FAILURE)", re.I)
# tools/testmodels quadrants.png: the four colours, and where each lands on
# the cube's +Z face seen from the front (u right, v down).
QUADRANTS = {"top-left": (230, 40, 40), "top-right": (40, 200, 60),
             "bottom-left": (40, 60, 220), "bottom-right": (240, 220, 40)}


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)


def pixels(path):
    w, h = map(int, subprocess.run(["identify", "-format", "%w %h", path], check=True,
                                   capture_output=True, text=True).stdout.split())
    raw = subprocess.run(["convert", path, "-depth", "8", "rgb:-"], check=True,
                         capture_output=True).stdout
    return w, h, raw


def face_box(img):
    """The cube's face in the left eye: the box around its saturated pixels
    (the quadrants; the sky and the controllers are pale or dark grey)."""
    w, h, raw = img
    xs, ys = [], []
    for y in range(h):
        for x in range(w // 2):
            i = (y * w + x) * 3
            c = raw[i:i + 3]
            if max(c) - min(c) > 100:
                xs.append(x)
                ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def spots(img, box):
    """The colour at the centre of each quadrant of the face."""
    w, h, raw = img
    x0, y0, x1, y1 = box

    def at(fx, fy):
        x, y = int(round(x0 + fx * (x1 - x0))), int(round(y0 + fy * (y1 - y0)))
        i = (y * w + x) * 3
        return tuple(raw[i:i + 3])
    return {"top-left": at(0.25, 0.25), "top-right": at(0.75, 0.25),
            "bottom-left": at(0.25, 0.75), "bottom-right": at(0.75, 0.75)}


def near(a, b, tol):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def main():
    stoa, src, models, out = sys.argv[1:5]
    scene = os.path.join(models, "textured", "textured.gltf")
    if not os.path.exists(scene):
        print(f"skipped: {scene} is missing (tools/testmodels makes it)")
        return 77
    shutil.rmtree(out, ignore_errors=True)
    frames = os.path.join(out, "frames")
    os.makedirs(frames)
    env = dict(os.environ, STOA_VALIDATION="1",
               STOA_XRSIM_SCRIPT=os.path.join(src, "tests/run/stream.yaml"),
               STOA_XRSIM_CAPTURE=frames, STOA_XRSIM_CAPTURE_EVERY="1", STOA_XRSIM_REALTIME="1",
               XR_ENABLE_API_LAYERS="XR_APILAYER_LUNARG_core_validation",
               STOA_SCENE_CACHE="off",  # a cached scene has its pixels at once
               STOA_TEST_DECODE_DELAY_MS="2500")
    r = subprocess.run([stoa, "run", "--sim", scene, "--sky", "off"], env=env,
                       capture_output=True, text=True, timeout=300)
    log = r.stdout + r.stderr
    open(os.path.join(out, "log.txt"), "w").write(log)
    check(r.returncode == 0, f"exit code 0 (got {r.returncode}: {log.strip()[-300:]})")
    bad = [l for l in log.splitlines() if VALIDATION_RE.search(l) and "output type" not in l]
    check(not bad, f"no validation messages ({bad[:3]})")
    check("first frames with stand-ins" in log, "the run says its first frames have stand-ins")
    # The frame thread only swaps in what the stream's worker made: the
    # batches' descriptor pools and sets count as made elsewhere.
    m = re.search(r"frame path: (\d+) device-idle waits, (\d+) descriptor pools, (\d+) GPU "
                  r"objects created, .*?(\d+) texture batches streamed in", log)
    check(m is not None and int(m.group(4)) >= 1,
          f"textures streamed in between frames ({m.group(4) if m else 'no report'} batches)")
    check(m is not None and m.group(1) == m.group(2) == m.group(3) == "0",
          "the frame thread waits for nothing and creates no GPU object "
          f"({m.group(0) if m else 'no report'})")
    shots = sorted(glob.glob(os.path.join(frames, "*.png")))
    check(len(shots) >= 20, f"frames captured ({len(shots)})")
    if len(shots) < 20:
        return 1
    box = face_box(pixels(shots[-1]))
    check(box is not None and box[2] - box[0] >= 12, f"the textured face is in view ({box})")
    if box is None:
        return 1
    first = spots(pixels(shots[0]), box)
    last = spots(pixels(shots[-1]), box)
    print("first frame:", first, "\nlast frame:", last)
    check(all(near(c, (255, 255, 255), 12) for c in first.values()),
          f"the first frame shows the stand-in: white, the material's own factor ({first})")
    check(all(near(last[k], QUADRANTS[k], 24) for k in QUADRANTS),
          f"the last frame shows the texture's four quadrants ({last})")
    # Between: frames whose colours lie strictly between white and the texture.
    blends = []
    for path in shots:
        s = spots(pixels(path), box)
        red = s["top-left"]  # white (255,255,255) -> (230,40,40): green falls alone
        if 60 < red[1] < 215 and 60 < red[2] < 215 and red[0] > 200:
            blends.append((os.path.basename(path), s))
    check(len(blends) >= 1, f"at least one frame is a blend of stand-in and texture ({len(blends)})")
    for name, s in blends[:3]:
        print("blend:", name, s)
    if blends:
        # One blend, one weight: every quadrant is the same mix of white and its colour.
        name, s = blends[len(blends) // 2]
        ws = [(255 - s[k][1]) / (255 - QUADRANTS[k][1]) for k in ("top-left", "bottom-left")]
        check(abs(ws[0] - ws[1]) < 0.15, f"{name}: one weight for the whole material ({ws})")
    lods_after_first_frame(stoa, src, env)
    print("passed" if not FAILS else f"{len(FAILS)} failed")
    return 1 if FAILS else 0


def lods_after_first_frame(stoa, src, env):
    """A first load (no cache) shows the agora before its levels of detail are
    made; their GPU copy is made on a worker and only swapped in between
    frames: the frame thread creates no GPU object for them either."""
    env = dict(env, STOA_LOG_RUN="info", STOA_XRSIM_EYE_SIZE="64x64")
    for k in ("STOA_XRSIM_SCRIPT", "STOA_XRSIM_CAPTURE", "STOA_TEST_DECODE_DELAY_MS"):
        env.pop(k, None)
    r = subprocess.run([stoa, "run", "--sim", os.path.join(src, "scenes/agora/agora.glb"),
                        "--sky", "off", "--max-seconds", "4"], env=env,
                       capture_output=True, text=True, timeout=300)
    log = r.stdout + r.stderr
    check(r.returncode == 0, f"agora: exit code 0 (got {r.returncode}: {log.strip()[-300:]})")
    check(re.search(r"agora.glb: \d+ levels of detail in, made after the first frame", log),
          "agora: its levels of detail arrive after the first frame")
    m = re.search(r"frame path: (\d+) device-idle waits, (\d+) descriptor pools, (\d+) GPU "
                  r"objects created", log)
    check(m is not None and m.group(1) == m.group(2) == m.group(3) == "0",
          "agora: the frame thread creates no GPU object for the levels "
          f"({m.group(0) if m else 'no report'})")


if __name__ == "__main__":
    sys.exit(main())
