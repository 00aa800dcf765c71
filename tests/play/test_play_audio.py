#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""HRTF narration on the desktop, measured: `stoa play` under Xvfb with
STOA_AUDIO_PROBE (OpenAL Soft's loopback device, HRTF on, rendered each
frame; run_audio_probe.h) plays a copy of the agora lesson whose first
narration comes from Column_04, ahead of the learner and a little left.
The test turns the desktop camera with the mouse (xdotool): right by 90
degrees (the column is then on the learner's left), then left by 180 (on
the right). Checks, frame by frame from the probe's own head yaw: while
the narration plays, the channel on the column's side is clearly louder
(3 dB or more) in nearly every 50 ms of it, on both sides, and the louder
channel swaps as the camera turns.

usage: test_play_audio.py STOA SOURCE_DIR OUT_DIR   (re-runs itself under xvfb-run)
"""
import json
import math
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gltf_nodes  # noqa: E402
from desktop_learner import LOOK_RAD_PER_PX, Learner, xdo  # noqa: E402

FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)
    return cond


# The level difference is taken over windows of this much lesson time (the
# energy of consecutive frames with the column on one side, each frame's
# RMS weighted by the time it rendered): a frame renders only what its few
# milliseconds of speech hold, and in a voiced sound's low frequencies,
# which a head hardly shadows, a lone 5 ms frame can show under 3 dB where
# the ear, integrating over tens of milliseconds, hears the side clearly.
WINDOW_S = 0.05


def windows(rows, d):
    """Right-minus-left dB per window while the narration plays and the
    column is well to one side (|sin| > 0.7), by side."""
    n = math.hypot(*d)
    sides = {"left": [], "right": []}
    cur = None

    def close():
        if cur and cur["l"] > 0 and cur["r"] > 0:
            sides[cur["side"]].append(10 * math.log10(cur["r"] / cur["l"]))

    prev_t = None
    for r in rows:
        dt = r["t"] - prev_t if prev_t is not None else 0.0
        prev_t = r["t"]
        side = None
        if r["narration"] and max(r["l"], r["r"]) >= 1e-4 and dt > 0:
            right = (math.cos(r["yaw"]), -math.sin(r["yaw"]))  # the head's right, in x and z
            s = (d[0] * right[0] + d[1] * right[1]) / n
            side = None if abs(s) <= 0.7 else "right" if s > 0 else "left"
        if cur and (side != cur["side"] or cur["dt"] >= WINDOW_S):
            close()
            cur = None
        if side:
            cur = cur or {"side": side, "l": 0.0, "r": 0.0, "dt": 0.0}
            cur["l"] += r["l"] ** 2 * dt
            cur["r"] += r["r"] ** 2 * dt
            cur["dt"] += dt
    close()
    return sides


def main():
    stoa, src, out = sys.argv[1:4]
    if not shutil.which("xdotool") or not shutil.which("xvfb-run"):
        print("skipped: xdotool and xvfb-run are needed (tools/setup installs them)")
        sys.exit(77)
    if not os.environ.get("DISPLAY"):  # wide: a half turn is one mouse move
        # Its own X server: under ctest -j2 two tests start at once, and
        # xvfb-run -a alone would give both the same free display.
        os.execvp("xvfb-run", ["xvfb-run", "-a", "-n", str(100 + os.getpid() % 800), "-s", "-screen 0 2800x900x24",
                               sys.executable] + sys.argv)
    shutil.rmtree(out, ignore_errors=True)
    work = os.path.join(out, "agora")
    shutil.copytree(os.path.join(src, "scenes/agora"), work)
    lesson = os.path.join(work, "lessons/stoa-poikile.yaml")
    text = open(lesson, encoding="utf-8").read()
    old = "          id: welcome\n          audio: ../narration/welcome.wav\n"
    check(old in text, "the test's edit applies to the lesson")
    with open(lesson, "w", encoding="utf-8") as f:  # 7 s of speech from the column
        f.write(text.replace(old, "          id: welcome\n          at: Column_04\n"
                                  "          audio: ../narration/statue.wav\n"))
    probe = os.path.join(out, "probe.jsonl")
    os.environ["STOA_AUDIO_PROBE"] = probe
    os.environ.pop("STOA_AUDIO_SILENT", None)
    t0 = time.time()
    L = Learner(stoa, lesson, out, extra=["--msaa", "1"], size="640x480")
    if not check(L.wait_line(lambda l: l == "stoa play: ready", 60) is not None, "window open"):
        sys.exit(1)
    wid = subprocess.run(["xdotool", "search", "--sync", "--name", "Stoa play"],
                         capture_output=True, text=True, timeout=30).stdout.split()[0]
    xdo("windowmove", "--sync", wid, 1240, 330)
    xdo("windowfocus", "--sync", wid)
    xdo("mousemove", 1560, 570)
    time.sleep(0.5)
    quarter = round((math.pi / 2) / LOOK_RAD_PER_PX)

    def turn(px):  # the cursor is held inside the window: steps it re-centres between
        while px:
            step = max(-150, min(150, px))
            xdo("mousemove_relative", "--", step, 0)
            px -= step
            time.sleep(0.2)

    turn(1)  # the first motion after the window moved may jump: settle it
    time.sleep(0.5)
    # Turns a little past 90 degrees each way (a step lost to a slow frame
    # only shortens it; the probe records the yaw each frame had).
    turn(round(1.3 * quarter))  # turn right: the column on the left
    time.sleep(2.0)
    turn(round(-2.6 * quarter))  # turn left: the column on the right
    time.sleep(2.0)
    L.key("Escape")
    code, so, se = L.finish()
    check(code == 0, f"stoa play exits 0 ({code}) {se[-300:]}")
    rows = [json.loads(line) for line in open(probe)] if os.path.exists(probe) else []
    check(len(rows) > 20, f"the probe rendered the loopback device each frame ({len(rows)} frames)")
    col = gltf_nodes.node_centres(os.path.join(work, "agora.glb"))["Column_04"]["centre"]
    ear = [0.0, 1.6, 7.0]  # Spawn: the welcome state's teleport
    d = [col[0] - ear[0], col[2] - ear[2]]
    sides = windows(rows, d)
    for side, want in (("left", -1), ("right", 1)):
        v = sides[side]
        good = sum(1 for db in v if db * want >= 3.0)
        med = sorted(v)[len(v) // 2] if v else float("nan")
        check(len(v) >= 5 and good >= 0.9 * len(v),
              f"the column on the {side}: the {side} channel louder by 3 dB or more in {good} of "
              f"{len(v)} windows of {WINDOW_S * 1000:.0f} ms (median right-left {med:+.1f} dB)")
    print(f"{time.time() - t0:.1f} s, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
