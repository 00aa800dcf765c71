#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Issue 16 on one simulated headset with a real hub (xrsim's fast clock,
captures of the submitted frames):

- the "watched" indicator is checked in the picture the learner sees: the
  capture changes when the teacher starts watching (the panel's GET of the
  headset's view), and is back to what it was once views are turned off;
- the learner raises the hand with the panel button ("Raise my hand",
  xrsim's `select: hand-button`, no menu button): the headset says so, the
  hub lists the hand, the button's label changes in the picture, and a
  second press lowers it.

usage: test_hand_watch.py STOA SOURCE_DIR OUT_DIR SCENE
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from class_common import FAILS, Proc, check, fresh, headset_env, write_lessons  # noqa: E402
from class_hub import hub_ready, start_hub  # noqa: E402


def newest(capdir, after):
    """The newest capture written after `after` (time.time()), or None."""
    files = [f for f in glob.glob(os.path.join(capdir, "*.png")) if os.path.getmtime(f) > after]
    return max(files, key=os.path.getmtime) if files else None


def settle(capdir, seconds=2.5):
    """Waits for captures made after now + a little (the change has been drawn)."""
    t = time.time()
    time.sleep(seconds)
    end = time.time() + 20
    while time.time() < end and not newest(capdir, t + 0.5):
        time.sleep(0.3)
    return newest(capdir, t + 0.5)


def gray(path):
    return subprocess.run(["convert", path, "-depth", "8", "gray:-"], check=True,
                          capture_output=True).stdout


def diff(a, b):
    """Mean absolute difference (0..255) and the share of pixels changed by more than 24."""
    ga, gb = gray(a), gray(b)
    n = min(len(ga), len(gb))
    d = [abs(ga[i] - gb[i]) for i in range(n)]
    return sum(d) / n, sum(1 for x in d if x > 24) / n


def main():
    stoa, src, out, scene = sys.argv[1:5]
    fresh(out)
    lessons = os.path.join(out, "library", "lessons")
    os.makedirs(lessons)
    shutil.copy(scene, os.path.join(out, "library", "scene.glb"))
    write_lessons(lessons, "../scene.glb")
    hub_p, url = start_hub(stoa, out, lessons)
    head = None
    t0 = time.time()
    try:
        code, hub = hub_ready(hub_p, url)
        if not code:
            return
        capdir = os.path.join(out, "captures")
        gate = os.path.join(out, "gate")
        script = os.path.join(out, "learner.yaml")
        with open(script, "w") as f:  # the head holds still; a gate for the hand step
            f.write(f"events:\n  - {{t: 1, wait_for: {gate}}}\n")
        env = headset_env(os.environ, out, "hs-w", capture=capdir, eye="192x192")
        env.update(STOA_XRSIM_SCRIPT=script, STOA_XRSIM_CAPTURE_EVERY="10")
        head = Proc([stoa, "run", os.path.join(lessons, "wait.yaml"), "--sim", "--hub", url,
                     "--join", code, "--device", "hs-w", "--traces", os.path.join(out, "traces"),
                     "--max-seconds", "150"], env, os.path.join(out, "hs-w.log"))
        check(head.wait_for(r"in the lobby", 60), "the headset waits in the lobby")
        end = time.monotonic() + 30
        while time.monotonic() < end and not hub.headsets().get("hs-w", {}).get("connected"):
            time.sleep(0.2)
        dev = hub.headsets().get("hs-w", {}).get("id")
        a = settle(capdir, 3.0)
        # The teacher watches: the panel fetches the headset's picture.
        watching = threading.Event()
        watching.set()

        def poll():
            while watching.is_set():
                try:
                    hub._call("GET", f"/api/view?device={dev}&from=panel")
                except Exception:  # 204 before the first picture: not JSON
                    pass
                time.sleep(0.3)

        # Each mark is taken before what makes the headset log its line: a
        # headset that answers fast may log it before a later mark.
        m = head.mark()
        threading.Thread(target=poll, daemon=True).start()
        check(head.wait_for(r"live view on", 30, m), "the headset is told a panel watches")
        b = settle(capdir)
        m = head.mark()
        watching.clear()
        hub._call("POST", "/api/views", {"enabled": False, "budget": 4000000})
        check(head.wait_for(r"live view off", 30, m), "views off: the headset is told")
        c = settle(capdir)
        if check(a and b and c, f"captures before, while and after watching ({a}, {b}, {c})"):
            ab, cb = diff(a, b), diff(a, c)
            print(f"     before/watched: mean {ab[0]:.2f}, {ab[1] * 100:.2f} % of pixels changed; "
                  f"before/after: mean {cb[0]:.2f}, {cb[1] * 100:.2f} %")
            check(ab[1] > 0.004 and ab[1] > 4 * cb[1] + 0.001,
                  "the watched sign shows in the learner's picture while watched, and goes after")
        # The hand, by the panel button (no menu button in this script).
        m = head.mark()
        with open(gate + ".new", "w") as f:
            f.write("events:\n  - {t: 0.3, select: hand-button}\n  - {t: 2.5, select: hand-button}\n")
        os.replace(gate + ".new", gate)
        up = head.wait_for(r"stoa run: hand raised", 30, m)
        check(up, "the panel button raises the hand")
        seen = False
        end = time.monotonic() + 10
        while up and time.monotonic() < end and not seen:
            seen = "hand_s" in hub.headsets().get("hs-w", {})
            time.sleep(0.1)
        check(seen or head.wait_for(r"stoa run: hand lowered", 1, m),
              "the hub lists the raised hand (or the second press already lowered it)")
        check(head.wait_for(r"stoa run: hand lowered", 30, m), "a second press lowers it")
    finally:
        if head:
            head.stop()
        hub_p.stop()
    # Watching made the snapshot ring (and views off let it go): the picker
    # thread makes it, never the frame thread.
    log = open(os.path.join(out, "hs-w.log"), errors="replace").read()
    fp = re.search(r"frame path: \d+ device-idle waits, \d+ descriptor pools, (\d+) GPU objects", log)
    check(fp is not None and fp.group(1) == "0",
          f"the frame thread made no GPU object for the live view ({fp.group(0) if fp else 'no report'})")
    print(f"{time.time() - t0:.1f} s, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
