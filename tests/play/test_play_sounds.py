#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Interface sounds in `stoa play`, heard: under Xvfb with STOA_AUDIO_PROBE
(OpenAL Soft's loopback device, HRTF on; run_audio_probe.h), a scripted
desktop learner (xdotool) answers a one-question lesson in the classroom,
once right and once wrong (two runs, one after the other). The probe's
lines say which interface sounds started in each frame and where. Checks,
for each run:
  - the answer's sound (right or wrong, not the other) starts once, at the
    chosen choice of the quiz panel: about 1.5 m in front of the learner;
  - it is heard: the level of the frames from its start over its length
    (0.3 s) is well above the quiet before it, and falls back after it;
  - it comes from ahead, where the panel is: both ears within 3 dB. (The
    learner must face a choice to click it, and the probe renders a frame's
    audio at that frame's head pose, so the sound cannot be heard from a
    side here; test_play_audio does the sides with a narration.)
Pictures of the quiz before the click are kept in OUT_DIR/*/quiz.png.

usage: test_play_sounds.py STOA SOURCE_DIR OUT_DIR   (re-runs itself under xvfb-run)
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
from desktop_learner import Learner, xdo  # noqa: E402

FAILS = []

# The lesson: tests/run/one_question.yaml (shared with tests/run/test_run_icons.py),
# its last wait shortened from 60 s to 3 s.


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)
    return cond


def play_once(stoa, out, answer):
    """Plays the lesson, clicking choice `answer`; returns the probe's rows."""
    os.makedirs(os.path.join(out, "lessons"))
    shutil.copy(os.path.join(SRC, "scenes/classroom/classroom.glb"), out)
    lesson = os.path.join(out, "lessons", "sounds.yaml")
    text = open(os.path.join(SRC, "tests/run/one_question.yaml")).read()
    assert "timer: 60" in text, "tests/run/one_question.yaml: its last wait changed"
    open(lesson, "w").write(text.replace("timer: 60", "timer: 3"))
    probe = os.path.join(out, "probe.jsonl")
    os.environ["STOA_AUDIO_PROBE"] = probe
    L = Learner(stoa, lesson, out, extra=["--msaa", "1"], size="640x480")
    if not check(L.wait_line(lambda l: l == "stoa play: ready", 60) is not None, "window open"):
        L.key("Escape")
        L.finish()
        return []
    L.focus()
    xdo("mousemove", 192 + 320, 144 + 240)  # the window's middle: the first motion may jump
    time.sleep(0.5)
    L.turn(0.0, 0.0025)
    L.turn(0.0, -0.0025)
    time.sleep(0.5)
    # The quiz stands level in front of the learner, 1.5 m away: choice A
    # 42 px and choice B 64 px below the middle of the 480 px high view
    # (0.0021 rad per pixel). Look there, click.
    L.turn(0.0, -(0.088 if answer == 0 else 0.134))
    time.sleep(1.0)
    L.screenshot(os.path.join(out, "quiz.png"))
    L.click(1, hold=0.1)
    if not check(L.wait_state("done", 20), f"choice {'AB'[answer]} clicked: the quiz answered"):
        L.key("Escape")
    check(L.wait_line(lambda l: l.startswith("stoa play:"), 30) is not None,
          "the lesson ends and stoa play exits by itself")
    code, so, se = L.finish(timeout=20)
    check(code == 0, f"stoa play exits 0 ({code}) {se[-300:]}")
    return [json.loads(line) for line in open(probe)] if os.path.exists(probe) else []


def db(a, b):
    return 20 * math.log10(max(a, 1e-9) / max(b, 1e-9))


def check_sound(rows, want, other):
    check(len(rows) > 5, f"the probe wrote a line each frame ({len(rows)})")
    starts = [(i, part) for i, r in enumerate(rows) for part in r.get("ui", "").split() if part]
    mine = [(i, p) for i, p in starts if p.startswith(want + "@")]
    check(len(mine) == 1, f"the '{want}' sound starts once ({[p for _, p in starts]})")
    check(not any(p.startswith(other + "@") for _, p in starts), f"no '{other}' sound")
    if len(mine) != 1:
        return
    i, part = mine[0]
    x, y, z = (float(v) for v in part.split("@")[1].split(","))
    # The desktop learner stands at the scene's Spawn looking down -Z (yaw
    # 0): the panel 1.5 m ahead, a little below eye height (1.6 m).
    sp = gltf_nodes.node_centres(os.path.join(SRC, "scenes/classroom/classroom.glb"))["Spawn"]["centre"]
    dx, dz = x - sp[0], z - sp[2]
    check(abs(dx) < 0.4 and -1.9 < dz < -1.1 and 1.0 < y < 1.8,
          f"...at the quiz panel, 1.5 m ahead of Spawn {sp} ({x:.2f}, {y:.2f}, {z:.2f})")
    t0 = rows[i]["t"]
    quiet = [r for r in rows[:i] if r["t"] < t0 - 0.1 and not r.get("ui")]
    loud = [r for r in rows[i:] if r["t"] <= t0 + 0.35] or rows[i:i + 1]
    after = [r for r in rows[i:] if r["t"] > t0 + 1.0 and not r.get("ui")]
    level = max(max(r["l"], r["r"]) for r in loud)
    floor = max([max(r["l"], r["r"]) for r in quiet] or [0.0])
    check(level > 1e-3 and level > 4 * floor,
          f"...heard: level {level:.4f} against {floor:.5f} before it")
    tail = max([max(r["l"], r["r"]) for r in after] or [0.0])
    check(after and tail < level / 4, f"...and gone a second later ({tail:.5f}, {len(after)} frames)")
    best = max(loud, key=lambda r: max(r["l"], r["r"]))
    check(abs(best["yaw"]) < 0.3 and abs(db(best["r"], best["l"])) < 3.0,
          f"...from ahead: right-left {db(best['r'], best['l']):+.1f} dB at yaw {best['yaw']:.2f}")


SRC = ""


def main():
    global SRC
    stoa, SRC, out = sys.argv[1:4]
    if not shutil.which("xdotool") or not shutil.which("xvfb-run"):
        print("skipped: xdotool and xvfb-run are needed (tools/setup installs them)")
        sys.exit(77)
    if not os.environ.get("DISPLAY"):
        # Its own X server: under ctest -j2 two tests start at once, and
        # xvfb-run -a alone would give both the same free display.
        os.execvp("xvfb-run", ["xvfb-run", "-a", "-n", str(100 + os.getpid() % 800), "-s", "-screen 0 1280x900x24",
                               sys.executable] + sys.argv)
    shutil.rmtree(out, ignore_errors=True)
    os.environ.pop("STOA_AUDIO_SILENT", None)
    t = time.time()
    for name, answer, want, other in (("right", 0, "right", "wrong"), ("wrong", 1, "wrong", "right")):
        print(f"-- answered {name}", flush=True)
        check_sound(play_once(stoa, os.path.join(out, name), answer), want, other)
    print(f"{time.time() - t:.1f} s, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
