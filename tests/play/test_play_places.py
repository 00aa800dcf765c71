#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`stoa play`'s places drawn in 3D and click-to-teleport, under Xvfb
(xdotool): with the author's overlay, an orange diamond stands above each
narration source and each zone is a translucent cyan box (both gone when
the overlay is hidden); the lesson's teleport point (Spawn) is a green disc
on the floor, brighter under the reticle, and a click on it from across the
square stands the learner there (logged, traced as `teleported` at the
point). Pixels are compared in the screenshots (p1..p4 in OUT_DIR).

usage: test_play_places.py STOA SOURCE_DIR OUT_DIR   (re-runs itself under xvfb-run)
"""
import glob
import json
import math
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gltf_nodes  # noqa: E402
from desktop_learner import Learner  # noqa: E402

FAILS = []
W, H = 640, 480


T0 = time.time()


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + f"[{time.time() - T0:5.1f} s] " + what, flush=True)
    if not cond:
        FAILS.append(what)
    return cond


def pixels(path, cx, cy, half):
    """RGB triples of the (2*half+1)^2 box centred at (cx, cy)."""
    n = 2 * half + 1
    raw = subprocess.run(["convert", path, "-crop", f"{n}x{n}+{cx - half}+{cy - half}", "-depth",
                          "8", "rgb:-"], check=True, capture_output=True).stdout
    return [tuple(raw[i:i + 3]) for i in range(0, len(raw) - 2, 3)]


def orange(p):
    r, g, b = p
    return r > 200 and 90 < g < 215 and b < 110 and r - b > 120


def bluish(px):
    return sum(b - r for r, g, b in px) / max(1, len(px))


def green(p):
    r, g, b = p
    return g > 150 and g > r + 30 and g > b + 30


def hot(p):
    r, g, b = p
    return g > 220 and r > 150 and g > r + 5 and g > b + 60  # yellow-green, not the orange arrow


# The projection is 1 rad high: a screen pixel near the centre is this much.
RAD_PER_SCREEN_PX = math.tan(0.5) / (H / 2)


def centroids(path, preds):
    """For each pred: the mean position of the pixels it accepts in the whole
    picture and their count, or None (30 or fewer). One pass; every pred
    here wants green above 150, so darker pixels are skipped at once."""
    if not path:
        return [None for _ in preds]
    raw = subprocess.run(["convert", path, "-depth", "8", "rgb:-"], check=True,
                         capture_output=True).stdout
    acc = [[0, 0, 0] for _ in preds]
    for i in range(1, min(len(raw), W * H * 3) - 1, 3):
        if raw[i] <= 150:
            continue
        px = (raw[i - 1], raw[i], raw[i + 1])
        k = i // 3
        for a, pred in zip(acc, preds):
            if pred(px):
                a[0] += k % W
                a[1] += k // W
                a[2] += 1
    return [(a[0] / a[2], a[1] / a[2], a[2]) if a[2] > 30 else None for a in acc]


def centroid(path, pred):
    return centroids(path, [pred])[0]


def shot(L, out, name, frames=2):
    """A screenshot once what was sent shows (`frames` frames later)."""
    L.wait_frames(frames)
    return L.screenshot(os.path.join(out, name))


def main():
    stoa, src, out = sys.argv[1:4]
    if not shutil.which("xdotool") or not shutil.which("xvfb-run"):
        print("skipped: xdotool and xvfb-run are needed (tools/setup installs them)")
        sys.exit(77)
    if not os.environ.get("DISPLAY"):
        # Its own X server: under ctest -j2 two tests start at once, and
        # xvfb-run -a alone would give both the same free display.
        os.execvp("xvfb-run", ["xvfb-run", "-a", "-n", str(100 + os.getpid() % 800), "-s", "-screen 0 1024x768x24",
                               sys.executable] + sys.argv)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    t0 = time.time()
    lesson = os.path.join(src, "scenes/agora/lessons/stoa-poikile.yaml")
    nodes = gltf_nodes.node_centres(os.path.join(src, "scenes/agora/agora.glb"))
    L = Learner(stoa, lesson, out, extra=["--msaa", "1", "--overlay"], size=f"{W}x{H}")
    if not check(L.wait_line(lambda l: l == "stoa play: ready", 60) is not None, "window open"):
        sys.exit(1)
    L.focus()
    subprocess.run(["xdotool", "mousemove", "512", "384"], check=True)
    spawn = nodes["Spawn"]["centre"]
    L.teleported(spawn[0], spawn[2])  # welcome: teleport Spawn (facing -Z)
    check(L.wait_state("welcome", 20), "the lesson starts in 'welcome' (standing on Spawn)")
    cx, cy = W // 2, H // 2

    # A narration source: the diamond above the statue.
    st = nodes["Statue"]
    L.look_at([st["centre"][0], st["max"][1] + 0.35, st["centre"][2]])
    on = shot(L, out, "p1_author_statue.png")
    L.key("Tab")
    check(L.wait_line(lambda l: l == "stoa play: overlay off", 30) is not None, "Tab: overlay off")
    off = shot(L, out, "p2_plain_statue.png")
    if on and off:
        n_on = sum(map(orange, pixels(on, cx, cy + 4, 3)))
        n_off = sum(map(orange, pixels(off, cx, cy + 4, 3)))
        check(n_on >= 10 and n_off <= 2,
              f"an orange diamond above the narration source with the overlay only ({n_on} / {n_off} of 49)")
    # A zone: Zone_Statue's box in front of the ground beside the statue.
    L.look_at([-4.6, 0.35, 1.0])
    off = shot(L, out, "p3_plain_zone.png")
    L.key("Tab")
    check(L.wait_line(lambda l: l == "stoa play: overlay on", 30) is not None, "Tab: overlay on")
    on = shot(L, out, "p3_author_zone.png")
    if on and off:
        b_on, b_off = bluish(pixels(on, cx + 8, cy, 3)), bluish(pixels(off, cx + 8, cy, 3))
        check(b_on > b_off + 12, f"the zone is a translucent cyan box with the overlay (blue-red {b_off:.0f} -> {b_on:.0f})")
    L.key("Tab")  # overlay off: the disc is the learner's, shown anyway

    # Click-to-teleport: walk 4 m away (back and to the right: a half turn
    # takes twice the mouse steps), turn to the disc, click it. Where
    # exactly does not matter (the disc is then found by its colour).
    L.walk_to(spawn[0] + 3.0, spawn[2] + 2.5, within=1.0)
    disc = [spawn[0], 0.03, spawn[2]]
    L.look_at([disc[0], 0.5, disc[2]])  # the disc in view, the reticle above it
    away = shot(L, out, "p4_disc_far.png")
    g, h2, c = centroids(away, [green, hot, lambda p: green(p) or hot(p)])
    # Point at it as a person would: at the green shape seen (a timed walk
    # ends a little off, so the learner's own idea of where it is is not enough).
    near = None
    for _ in range(3):
        if not c or max(abs(c[0] - cx), abs(c[1] - cy)) < 4:
            near = near or away  # already on it: this picture is the near one
            break
        L.turn(-(c[0] - cx) * RAD_PER_SCREEN_PX, -(c[1] - cy) * RAD_PER_SCREEN_PX)
        near = shot(L, out, "p4_disc_hot.png")
        c = centroid(near, lambda p: green(p) or hot(p))
    if away and near:
        h = sum(map(hot, pixels(near, cx, cy, 40)))
        check(g is not None and g[2] >= 150 and h2 is None,
              f"the teleport point is a green disc on the floor ({g}, none bright: {h2})")
        check(h >= 150, f"under the reticle it glows ({h} bright round the centre)")
    L.click(1)
    clicked = False
    end = time.time() + 20
    while time.time() < end and not clicked:
        clicked = any("teleport to Spawn (clicked)" in l for l in L.stderr)
        time.sleep(0.2)
    check(clicked, "a click on the disc teleports the learner to Spawn")
    L.wait_frames(2)
    L.key("Escape")
    code, so, se = L.finish()
    check(code == 0, f"stoa play exits 0 ({code}): {se[-300:]}")
    traces = glob.glob(os.path.join(L.traces, "*.jsonl"))
    rows = [json.loads(line) for t in traces for line in open(t)]
    tps = [r for r in rows if r["verb"]["id"].endswith("/teleported")]
    pos = [r["context"]["extensions"].get("https://stoa.dev/xapi/extensions/position") for r in tps]
    check(len(tps) == 2 and pos[1] is not None and math.dist([pos[1][0], pos[1][2]], [spawn[0], spawn[2]]) < 0.01,
          f"traced: the lesson's teleport, then the clicked one, at Spawn ({pos})")
    print(f"{time.time() - t0:.1f} s, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
