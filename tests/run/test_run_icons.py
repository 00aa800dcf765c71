#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Panel icons on the simulated headset: a one-question lesson in the
classroom, answered by a scripted learner (icons_learner.yaml, 256 px eyes,
fast clock), played three times at once: right with the icons of
assets/icons, right with $STOA_ICONS_DIR pointing at an empty folder, and
wrong with the icons.

Checks, on xrsim's captured frames (both eyes side by side):
  - without icons `stoa run` warns naming the missing file and still runs;
  - before the answer the two runs' frames are the same (no icon drawn on
    an unanswered quiz);
  - after it, the feedback panel's corner carries the right icon: the frames
    differ in a small patch, and that patch is green (the positive tint) in
    the run with icons; a wrong answer gives a red patch instead.

usage: test_run_icons.py STOA SOURCE_DIR OUT_DIR"""
import glob
import os
import re
import shutil
import subprocess
import sys
import zlib
import struct

FAILS = []

# The lesson: tests/run/one_question.yaml (shared with tests/play/test_play_sounds.py).


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)


def read_png(path):
    """8-bit RGBA or RGB PNG (xrsim's) -> (w, h, rows of (r, g, b))."""
    data = open(path, "rb").read()
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            ch = {6: 4, 2: 3}[ctype]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, rows, prev = zlib.decompress(idat), [], bytearray(w * ch)
    stride = w * ch
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0
            b, c = prev[i], prev[i - ch] if i >= ch else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * ch:x * ch + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def start(stoa, src, out, choice, icons_dir):
    os.makedirs(os.path.join(out, "lessons"), exist_ok=True)
    shutil.copy(os.path.join(src, "scenes/classroom/classroom.glb"), out)
    lesson = os.path.join(out, "lessons", "icons.yaml")
    shutil.copy(os.path.join(src, "tests/run/one_question.yaml"), lesson)
    script = os.path.join(out, "learner.yaml")
    text = open(os.path.join(src, "tests/run/icons_learner.yaml")).read()
    open(script, "w").write(text.replace("CHOICE", str(choice)))
    env = dict(os.environ, STOA_XRSIM_FAST="1", STOA_AUDIO_SILENT="1", STOA_LOG="info",
               STOA_XRSIM_SCRIPT=script, STOA_XRSIM_CAPTURE=os.path.join(out, "frames"),
               STOA_XRSIM_CAPTURE_EVERY="5")
    if icons_dir is not None:
        env["STOA_ICONS_DIR"] = icons_dir
    shutil.rmtree(os.path.join(out, "frames"), ignore_errors=True)
    log = open(os.path.join(out, "log.txt"), "w")
    return subprocess.Popen([stoa, "run", "--sim", lesson, "--traces", os.path.join(out, "traces")],
                            env=env, cwd=out, stdout=log, stderr=subprocess.STDOUT)


def finish(proc, out):
    try:
        rc = proc.wait(timeout=240)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    log = open(os.path.join(out, "log.txt")).read()
    frames = {}
    for f in glob.glob(os.path.join(out, "frames", "frame_*.png")):
        frames[int(re.search(r"frame_(\d+)_", f).group(1))] = f
    return rc, log, frames


def diff_box(a, b):
    """Pixels that differ by > 40 in some channel, and their bounding box."""
    _, _, ra = a
    _, _, rb = b
    pts = [(x, y) for y, (la, lb) in enumerate(zip(ra, rb)) for x, (pa, pb) in enumerate(zip(la, lb))
           if max(abs(pa[k] - pb[k]) for k in range(3)) > 40]
    if not pts:
        return pts, None
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return pts, (min(xs), min(ys), max(xs), max(ys))


def hue_count(img, pts, want):
    """How many of pts are green ('g': g > r + 40 and g > b + 10) or red ('r')."""
    _, _, rows = img
    n = 0
    for x, y in pts:
        r, g, b = rows[y][x]
        n += (g > r + 40 and g > b + 10) if want == "g" else (r > g + 60 and r > b + 40)
    return n


def main():
    stoa, src, out = sys.argv[1:4]
    shutil.rmtree(out, ignore_errors=True)
    empty = os.path.join(out, "no-icons")
    os.makedirs(empty)
    runs = {}
    cases = (("right", 0, None), ("right-plain", 0, empty), ("wrong", 1, None))
    # The three runs at once: each is mostly start-up and waiting.
    procs = [start(stoa, src, os.path.join(out, name), choice, icons) for name, choice, icons in cases]
    for (name, choice, icons), proc in zip(cases, procs):
        rc, log, frames = finish(proc, os.path.join(out, name))
        check(rc == 0, f"{name}: stoa run exits 0 ({rc}); log in {out}/{name}/log.txt")
        check("panels show no icons" not in log if icons is None else True,
              f"{name}: icons loaded")
        runs[name] = (log, frames)
    log = runs["right-plain"][0]
    check(re.search(r"panels show no icons: .*no-icons/play\.png", log),
          "without icons: a warning names the missing file")
    # xrsim captures every 5th frame at 10 Hz: frame 20 is at 2 s (the quiz,
    # unanswered); from frame 40 (4 s) the learner stands close to the
    # feedback panel's corner.
    common = sorted(set(runs["right"][1]) & set(runs["right-plain"][1]) & set(runs["wrong"][1]))
    check(20 in common and 55 in common, f"frames 20 and 55 captured in every run ({common})")
    if FAILS:
        sys.exit(1)
    before = [read_png(runs[r][1][20]) for r in ("right", "right-plain")]
    pts, box = diff_box(*before)
    check(len(pts) < 20, f"unanswered quiz: same picture with and without icons ({len(pts)} px differ)")
    # After the answer (3 s = frame 30) the feedback panel comes up (its
    # picture drawn on a worker: a few frames later on a loaded machine) and
    # fades after 6 s of wall-clock time: each check takes its best frame.
    def left_eye(img, want):
        w, h, rows = img
        return [(x, y) for y in range(h) for x in range(w // 2) if hue_count(img, [(x, y)], want)]

    after = {r: [read_png(runs[r][1][f]) for f in common if f >= 45] for r in runs}
    greens = [left_eye(img, "g") for img in after["right"]]
    green = max(greens, key=len)
    check(len(green) >= 10, f"after a right answer: green icon pixels ({len(green)} in the best frame)")
    plain = max(len(left_eye(img, "g")) for img in after["right-plain"])
    check(plain < max(3, len(green) // 4), f"...and none without icons ({plain})")
    if green:
        gx, gy = [p[0] for p in green], [p[1] for p in green]
        box = (min(gx) - 2, min(gy) - 2, max(gx) + 2, max(gy) + 2)
        half = after["right"][0][0] // 2
        # The corner icon: one small square (about 12 pixels here).
        check(box[2] - box[0] < half // 3 and box[3] - box[1] < half // 3,
              f"...in one small patch ({box})")
        patch = [(x, y) for x in range(box[0], box[2] + 1) for y in range(box[1], box[3] + 1)]
        red = max(hue_count(img, patch, "r") for img in after["wrong"])
        wgreen = max(hue_count(img, patch, "g") for img in after["wrong"])
        check(red >= len(green) // 3 and wgreen < max(3, len(green) // 4),
              f"a wrong answer: that patch is red ({red} px), not green ({wgreen} px)")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
