#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The preview opens a real window (under Xvfb), shows the model, and reloads
it when the file changes on disk; a broken edit keeps the last good scene.

It shows Stoa's generated box (box/box.gltf + box.bin: a 1 m cube, base
colour 0.8, 0, 0) from the build's test models (tools/testmodels).

usage: test_preview.py STOA TESTMODELS OUT_DIR   (re-runs itself under xvfb-run)
"""
import json
import os
import shutil
import subprocess
import sys
import time

FAILS = []
PASSES = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    (PASSES if cond else FAILS).append(what)


def screenshot(path):
    subprocess.run(["import", "-window", "root", path], check=True)
    w, h = map(int, subprocess.run(["identify", "-format", "%w %h", path], check=True,
                                   capture_output=True, text=True).stdout.split())
    raw = subprocess.run(["convert", path, "-depth", "8", "rgb:-"], check=True,
                         capture_output=True).stdout
    return w, h, raw


def pixel(shot, x, y):
    w, _, raw = shot
    i = (y * w + x) * 3
    return raw[i], raw[i + 1], raw[i + 2]


def mean_rgb(shot, x0, y0, x1, y1):
    acc = [0, 0, 0]
    n = 0
    for y in range(y0, y1, 2):
        for x in range(x0, x1, 2):
            p = pixel(shot, x, y)
            for c in range(3):
                acc[c] += p[c]
            n += 1
    return [a / n for a in acc]


class Preview:
    def __init__(self, stoa, scene, seconds):
        self.proc = subprocess.Popen(
            [stoa, "preview", scene, "--size", "640x480", "--exit-after", str(seconds)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait_ready(self, timeout=90):
        start = time.time()
        line = self.proc.stdout.readline()
        return "ready" in line and time.time() - start < timeout

    def finish(self):
        out, err = self.proc.communicate(timeout=120)
        return self.proc.returncode, err


def test_shows_model(stoa, models, out):
    p = Preview(stoa, os.path.join(models, "box/box.gltf"), 12)
    check(p.wait_ready(), "preview says ready")
    time.sleep(1.5)
    shot = screenshot(os.path.join(out, "preview_box.png"))
    r, g, b = mean_rgb(shot, 300, 260, 340, 300)
    check(r > 120 and g < 70 and b < 70, f"the box is red in the middle of the window ({r:.0f},{g:.0f},{b:.0f})")
    edge = mean_rgb(shot, 600, 440, 630, 470)
    check(abs(edge[0] - edge[2]) < 40, f"background around the model is not red ({edge})")
    lit = sum(1 for y in range(4, 60) for x in range(4, 300) if pixel(shot, x, y)[1] > 200)
    check(lit > 200, f"the HUD shows text ({lit} lit pixels)")
    # The help's two lines (4th, 5th: 20 px each at scale 2) end inside a 640 px
    # window: nothing cut off ("f: fra"), Esc named on the last one.
    for row, (y0, y1) in enumerate(((64, 82), (84, 102)), start=4):
        xs = [x for y in range(y0, y1) for x in range(4, 640) if pixel(shot, x, y)[1] > 200]
        check(xs and max(xs) < 600, f"help line {row} is drawn and ends inside the window "
              f"(last lit x {max(xs) if xs else None})")
    code, err = p.finish()
    check(code == 0, f"preview exits 0 (got {code}; stderr: {err.strip()[-400:]})")


def test_reload(stoa, models, out):
    work = os.path.join(out, "reload")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(os.path.join(models, "box"), work)
    path = os.path.join(work, "box.gltf")
    p = Preview(stoa, path, 20)
    check(p.wait_ready(), "reload: preview ready")
    time.sleep(1.0)
    before = mean_rgb(screenshot(os.path.join(out, "reload_before.png")), 300, 260, 340, 300)
    doc = json.load(open(path))
    doc["materials"][0]["pbrMetallicRoughness"]["baseColorFactor"] = [0.0, 0.8, 0.0, 1.0]
    tmp = path + ".new"
    json.dump(doc, open(tmp, "w"))
    os.replace(tmp, path)
    time.sleep(4.0)
    after = mean_rgb(screenshot(os.path.join(out, "reload_after.png")), 300, 260, 340, 300)
    check(before[0] > 120 and after[1] > 100 and after[0] < 60,
          f"the edited file is shown without restarting (before {before}, after {after})")
    with open(path, "w") as f:
        f.write("{ this is not json")
    time.sleep(3.0)
    broken = mean_rgb(screenshot(os.path.join(out, "reload_broken.png")), 300, 260, 340, 300)
    check(broken[1] > 100 and broken[0] < 60, f"a broken edit keeps the last good scene ({broken})")
    code, err = p.finish()
    check(code == 0, f"reload: preview exits 0 (got {code})")
    check("reload failed" in err and "box.gltf" in err, "the broken edit is reported with the file name")


def test_missing_file(stoa, out):
    r = subprocess.run([stoa, "preview", os.path.join(out, "nope.gltf"), "--exit-after", "5"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode != 0 and "nope.gltf" in r.stderr,
          f"a missing scene is a clear error (rc {r.returncode}: {r.stderr.strip()[:200]})")


def main():
    stoa, models, out = sys.argv[1:4]
    if not os.environ.get("DISPLAY"):
        os.execvp("xvfb-run", ["xvfb-run", "-a", "-s", "-screen 0 1024x768x24",
                               sys.executable] + sys.argv)
    os.makedirs(out, exist_ok=True)
    test_shows_model(stoa, models, out)
    test_reload(stoa, models, out)
    test_missing_file(stoa, out)
    print(f"{len(PASSES)} passed, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
