#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`stoa play` under Xvfb: a scripted desktop learner (real X events through
xdotool) plays the sample lesson (scenes/agora/lessons/stoa-poikile.yaml) to
its end; screenshots at several states (panels, the author's overlay); the
trace passes `stoa trace check`, says device-type "desktop", and `stoa
report` names the seat.

usage: test_play_desktop.py STOA SOURCE_DIR OUT_DIR   (re-runs itself under xvfb-run)
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


T0 = time.time()


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + f"[{time.time() - T0:5.1f} s] " + what, flush=True)
    if not cond:
        FAILS.append(what)
    return cond


SPEEDS = [1, 2, 4, 8]  # F2 goes round these
SPEED = [8]  # lesson time's speed now (--speed 8 at the start)


def speed(L, want):
    """F2 as many times as it takes (x1, x2, x4, x8, x1...) until lesson time
    runs `want` times faster, the presses sent at once; stoa play --events
    says each change (once a frame)."""
    for _ in range(4):
        n = (SPEEDS.index(want) - SPEEDS.index(SPEED[0])) % len(SPEEDS)
        if n == 0:
            return True
        subprocess.run(["xdotool", "key"] + ["F2"] * n, check=True, timeout=20)

        def said(line):  # the speed each `stoa play: speed xN` says
            if line.startswith("stoa play: speed x"):
                SPEED[0] = int(float(line.rsplit("x", 1)[1]))
            return SPEED[0] == want
        if L.wait_line(said, 30):
            return True
        time.sleep(0.3)  # a press lost: again from the speed last said
    return False


def play(stoa, src, out):
    lesson = os.path.join(src, "scenes/agora/lessons/stoa-poikile.yaml")
    nodes = gltf_nodes.node_centres(os.path.join(src, "scenes/agora/agora.glb"))
    # Lesson time x8 from the start (--speed, F2's setting): narrations, timers
    # and dwell run eight times faster; a 480x360 window draws in half the time.
    L = Learner(stoa, lesson, out, size="480x360",
                extra=["--learner", "desk-learner-1", "--msaa", "1", "--speed", "8"])
    if not check(L.wait_line(lambda l: l == "stoa play: ready", 60) is not None,
                 "stoa play opens its window"):
        return L
    L.focus()
    # The pointer on the window's centre (focus() puts it at 192, 144; 480x360):
    # anywhere else, the first frame would read the offset as a turn.
    subprocess.run(["xdotool", "mousemove", "432", "324"], check=True)
    spawn = nodes["Spawn"]["centre"]
    L.teleported(spawn[0], spawn[2])  # welcome: teleport Spawn (facing -Z)
    check(L.wait_state("welcome", 20), "the lesson starts in 'welcome'")
    L.screenshot(os.path.join(out, "01_welcome.png"))
    check(L.wait_state("stoa", 30), "the welcome narration ends: 'stoa'")
    # Lesson time x1 while a timer could stand in for the learner ('stoa'
    # goes on to 'statue' after 60 s anyway, 'door_open' to 'exhibit' after 30 s):
    # the gaze and the walk must be what moves the lesson on.
    check(speed(L, 1), "F2: lesson time x1")
    # stoa: look at the painted back wall for 3 s (above the door, between columns).
    L.key("Tab")  # the author's overlay on: state 'stoa', its gaze trigger pending
    check(L.wait_line(lambda l: l == "stoa play: overlay on", 30) is not None, "Tab: the overlay is on")
    L.wait_frames(2)
    L.screenshot(os.path.join(out, "02_stoa_overlay.png"))
    L.key("Tab")
    check(L.wait_line(lambda l: l == "stoa play: overlay off", 30) is not None, "Tab: the overlay is off")
    L.mark_events()
    L.look_at([0.0, 4.5, -11.7])
    check(L.wait_event("gaze_enter", "BackWall"), "the reticle is on the back wall")
    check(L.wait_state("statue", 20), "three seconds of gaze: 'statue'")
    check(speed(L, 8), "F2 x3: lesson time x8")
    # statue: point at Zeno's statue and click.
    check(L.aim("Statue", nodes["Statue"]["centre"]), "the reticle is on the statue")
    L.screenshot(os.path.join(out, "03_statue.png"))
    L.click(1)
    check(L.wait_state("inscription", 20), "a click on the statue: 'inscription'")
    # inscription: grab the stele (right button), and put it down again.
    # Its panel stands in front of its middle: aim at the foot of the stele.
    ins = nodes["Inscription"]
    check(L.aim("Inscription", [ins["centre"][0], 0.35, ins["centre"][2]]),
          "the reticle is on the inscription")
    L.screenshot(os.path.join(out, "04_inscription.png"))
    L.click(3)
    check(L.wait_state("door", 20), "grabbing the inscription: 'door'")
    # door: click the door at the back of the stoa.
    check(L.aim("Door", nodes["Door"]["centre"]), "the reticle is on the door")
    L.click(1)
    check(L.wait_state("door_open", 20), "a click on the door: 'door_open'")
    check(speed(L, 1), "F2: lesson time x1 (door_open's 30 s timer)")
    L.mark_events()
    t_open = time.time()
    # door_open: walk into the doorway (W held, the walk timed).
    zd = nodes["Zone_Door"]["centre"]
    L.walk_to(zd[0], zd[2], within=0.6)  # the zone is 3 m wide, 2 m deep
    check(L.wait_state("exhibit", 20) and L.wait_event("zone_enter", "Zone_Door"),
          f"walking into the doorway: 'exhibit' ({time.time() - t_open:.1f} s of the timer's 30)")
    check(speed(L, 8), "F2 x3: lesson time x8")
    # exhibit: grab the amphora and carry it to the pedestal by the statue.
    if not check(L.aim("Exhibit", nodes["Exhibit"]["centre"]), "the reticle is on the amphora"):
        L.screenshot(os.path.join(out, "fail_exhibit.png"))
    xdo_down = ["xdotool", "mousedown", "3"]
    subprocess.run(xdo_down, check=True)
    check(L.wait_state("placing", 20), "grabbing the amphora: 'placing'")
    # A grabbed node keeps its distance along the laser: stand that far from
    # the pedestal and look at it.
    e = L.eye()
    ex = nodes["Exhibit"]["centre"]
    hold = math.dist(e, ex)
    zs = nodes["Zone_Statue"]["centre"]
    u = [e[0] - zs[0], e[2] - zs[2]]
    n = math.hypot(*u)
    L.walk_to(zs[0] + u[0] / n * hold, zs[2] + u[1] / n * hold, within=0.6)  # 3.6 m square
    L.look_at([zs[0], 1.0, zs[2]])
    L.wait_frames(2)
    L.screenshot(os.path.join(out, "05_placing.png"))
    check(speed(L, 1), "lesson time back to x1: a quiz answers itself to a long enough look")
    subprocess.run(["xdotool", "mouseup", "3"], check=True)
    check(L.wait_state("quiz", 20), "the amphora put down on the pedestal: 'quiz'")
    # The quiz stands level in front of the learner (run_layout.c): look
    # level, then 15 px down, at choice A (0.0021 rad per pixel at 480 px high).
    L.turn(0.0, -L.pitch - 0.032)
    L.wait_frames(3)
    L.screenshot(os.path.join(out, "06_quiz.png"))
    L.click(1)
    check(L.wait_state("right", 20), "choice A clicked: 'right'")
    check(speed(L, 8), "x8 again for the feedback narration")
    check(L.wait_state("finish", 30), "the feedback narration ends: 'finish'")
    check(L.wait_line(lambda l: "the lesson ended" in l or l.startswith("stoa play:"), 40)
          is not None, "the lesson ends and stoa play exits by itself")
    return L, nodes


def check_trace(stoa, L, out):
    traces = glob.glob(os.path.join(L.traces, "*.jsonl"))
    if not check(len(traces) == 1, f"one trace written ({traces})"):
        return
    rows = [json.loads(line) for line in open(traces[0])]
    ext = "https://stoa.dev/xapi/extensions/device-type"
    kinds = {r["context"].get("extensions", {}).get(ext) for r in rows}
    check(kinds == {"desktop"}, f"every statement's context says device-type desktop ({kinds})")
    verbs = [r["verb"]["id"].rsplit("/", 1)[-1] for r in rows]
    check("completed" in verbs or "passed" in verbs, f"the trace ends the lesson ({verbs[-4:]})")
    answers = [r for r in rows if r["verb"]["id"].endswith("/answered")
               and "/questions/" in r["object"]["id"]]
    check(len(answers) == 1 and answers[0]["result"].get("success") is True,
          "the quiz was answered right, once")
    r = subprocess.run([stoa, "trace", "check", traces[0]], capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0, f"stoa trace check passes ({r.stdout.strip()[-200:]} {r.stderr.strip()[-200:]})")
    rep = os.path.join(out, "report")
    r = subprocess.run([stoa, "report", traces[0], "--out", rep], capture_output=True, text=True,
                       timeout=60)
    text = r.stdout + r.stderr
    for f in glob.glob(os.path.join(rep, "*")):
        if f.endswith((".md", ".txt", ".html", ".json", ".csv")):
            text += open(f, errors="replace").read()
    check(r.returncode == 0 and "desk-learner-1" in text and "desktop" in text,
          f"stoa report names the desktop seat (rc {r.returncode})")


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
    res = play(stoa, src, out)
    L = res[0] if isinstance(res, tuple) else res
    L.key("Escape")
    code, so, se = L.finish()
    print(so[-2000:])
    print(se[-1500:])
    check(code == 0, f"stoa play exits 0 (got {code})")
    check_trace(stoa, L, out)
    print(f"{time.time() - t0:.1f} s, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
