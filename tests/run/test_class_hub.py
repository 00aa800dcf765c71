#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The headset's side of a class period against the real `stoa hub` (issue
11): two simulated headsets (`stoa run LESSON --sim --hub`) join and wait in
the lobby; the teacher launches lesson A, switches them to lesson B mid-
lesson, B ends by itself, A is launched again and ended by the teacher.
Checked, each a bug of the issue:

- joining starts no lesson: no trace is written and the hub sees no lesson
  until the teacher launches one (before: the headset played its lesson at
  once, and "Start" restarted it under the same registration);
- a switch streams the new lesson: every statement of every run a headset
  wrote is stored by the hub, under that run's registration, once (before:
  0 of 7 of the switched-to lesson's statements arrived);
- every launch is a run of its own: launching the lesson playing gives a
  new registration and a new trace;
- the lesson's end and the teacher's "end" show the result and go back to
  the lobby: no `stoa run` exits (before: every headset exited).

The time from each launch to the headset being in the lesson is printed.

usage: test_class_hub.py STOA SOURCE_DIR OUT_DIR [SCENE]
SCENE: the lessons' scene (default the agora; CI gives a small generated box).
"""
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from class_common import (FAILS, PASSES, Proc, by_registration, check, fresh, headset_env,  # noqa: E402
                          trace_logs, write_lessons, written)
from class_hub import hub_ready, start_hub  # noqa: E402

HEADSETS = ("hs-a", "hs-b")


def wait_all(heads, pattern, timeout, marks):
    return {n: heads[n].wait_for(pattern, timeout, marks[n]) for n in heads}


def main():
    stoa, src, out = sys.argv[1:4]
    scene = sys.argv[4] if len(sys.argv) > 4 else os.path.join(src, "scenes/agora/agora.glb")
    fresh(out)
    lib = os.path.join(out, "library")
    lessons = os.path.join(lib, "lessons")
    os.makedirs(lessons)
    shutil.copy(scene, os.path.join(lib, "scene.glb"))
    write_lessons(lessons, "../scene.glb")
    hub_p, url = start_hub(stoa, out, lessons)
    heads = {}
    try:
        code, hub = hub_ready(hub_p, url)
        if not code:
            return
        for n in HEADSETS:
            heads[n] = Proc([stoa, "run", os.path.join(lessons, "wait.yaml"), "--sim", "--hub", url,
                             "--join", code, "--device", n, "--traces", os.path.join(out, n, "traces"),
                             "--max-seconds", "240"],
                            headset_env(os.environ, out, n), os.path.join(out, n + ".log"))
        # 1. Joining: the lobby, no lesson.
        lobby = wait_all(heads, r"in the lobby", 60, {n: 0 for n in heads})
        check(all(lobby.values()), f"each headset waits in the lobby ({lobby})")
        end = time.monotonic() + 30
        while time.monotonic() < end and not (len(hub.headsets()) == 2 and all(
                h.get("connected") for h in hub.headsets().values())):
            time.sleep(0.2)
        hs = hub.headsets()
        check(len(hs) == 2 and all(h.get("connected") for h in hs.values()),
              f"both are online at the hub ({list(hs)})")
        time.sleep(2)  # a headset that started its lesson by itself would have by now
        hs = hub.headsets()
        started = [n for n in HEADSETS if trace_logs(os.path.join(out, n, "traces"))
                   or hs.get(n, {}).get("lesson")]
        check(not started, f"no lesson starts before the teacher launches one ({started})")

        # 2. Launch A, then switch to B while A plays; B ends by itself.
        runs = {n: [] for n in HEADSETS}  # registrations each headset played, in order
        times = []

        def launch(lesson):
            marks = {n: heads[n].mark() for n in heads}
            t0 = time.monotonic()
            hub.command("launch", lesson=lesson)
            got = wait_all(heads, r"learner trace: ", 90, marks)
            for n in heads:
                if got[n]:
                    times.append(time.monotonic() - t0)
                    m = re.search(r"_([0-9a-f]{8})\.jsonl", heads[n].lines[got[n] - 1])
                    runs[n].append(m.group(1) if m else None)
            return got, marks

        got, _ = launch("wait.yaml")
        check(all(got.values()), f"launch A: every headset plays it ({got})")
        marks = {n: heads[n].mark() for n in heads}
        for n in heads:
            heads[n].wait_for(r"state b", 60, marks[n] - 5 if marks[n] > 5 else 0)
        got, marks = launch("short.yaml")
        check(all(got.values()), f"switch to lesson B mid-lesson: every headset plays it ({got})")
        res = wait_all(heads, r"showing the result", 120, marks)
        back = wait_all(heads, r"in the lobby", 60, marks)
        check(all(res.values()) and all(back.values()),
              f"lesson B's end: the result, then the lobby ({res}, {back})")
        check(all(h.alive() for h in heads.values()), "no stoa run exited at the lesson's end")

        # 3. A again, ended by the teacher.
        got, marks = launch("wait.yaml")
        check(all(got.values()), f"launch A again ({got})")
        for n in heads:
            heads[n].wait_for(r"state b", 60, marks[n])
        hub.command("end")
        res = wait_all(heads, r"result: ", 60, marks)
        back = wait_all(heads, r"in the lobby", 60, marks)
        check(all(res.values()) and all(back.values()),
              f"the teacher's end: the result, then the lobby ({res}, {back})")
        check(all(h.alive() for h in heads.values()), "no stoa run exited on the teacher's end")
        for n in HEADSETS:
            check(len(runs[n]) == 3 and len(set(runs[n])) == 3,
                  f"{n}: each of the 3 launches is a run of its own ({runs[n]})")

        # 4. Every statement written is stored, under its run, once.
        time.sleep(2)
        for n in HEADSETS:
            w = written(os.path.join(out, n, "traces"))
            regs = by_registration(w)
            ok, detail = True, []
            for reg, sts in regs.items():
                stored = hub.stored(reg)
                ids = [s["id"] for s in stored]
                want = {s["id"] for s in sts}
                detail.append(f"{reg[:8]}: {len(want)} written, {len(ids)} stored")
                ok = ok and set(ids) == want and len(ids) == len(set(ids))
            print(f"FIGURES {n}: " + "; ".join(detail))
            check(ok and len(regs) == 3, f"{n}: every statement of its 3 runs is stored once under "
                                         f"its run ({'; '.join(detail)})")
        if times:
            print(f"FIGURES launch to lesson: min {min(times):.2f} s, max {max(times):.2f} s "
                  f"over {len(times)} launches")
        rcs = {n: heads[n].stop() for n in heads}
        check(all(rc == 0 for rc in rcs.values()), f"Ctrl-C ends each headset cleanly ({rcs})")
    finally:
        for p in list(heads.values()) + [hub_p]:
            p.kill()
        print(f"{len(PASSES)} passed, {len(FAILS)} failed")
        sys.exit(1 if FAILS or not PASSES else 0)


if __name__ == "__main__":
    main()
