#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Self sign-in in the headset (issue 11), driven by a scripted learner in
xrsim against the real `stoa hub`: the class (Ana with PIN 1234, Li Wei
without one) is the hub's current class; one headset (`stoa run --sim
--hub`) lists it in its lobby. The learner aims the right controller at the
names and keys where the headset drew them (its debug log gives each
choice's point; the script waits at `wait_for` gates for the next step,
written when the picture is there) and pulls the trigger. Checked:

- a wrong PIN is refused by the hub and shown (the keypad stays, emptied);
- the right PIN signs Ana in: the hub records it, and the statements of the
  lesson launched next are stored under Ana's learner id;
- the headset is passed on: "Not you? Sign out", then Li Wei picks their
  name (no PIN), without restarting; the next lesson's statements are
  Li Wei's.

usage: test_class_signin.py STOA SOURCE_DIR OUT_DIR SCENE
"""
import json
import math
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from class_common import (FAILS, PASSES, Proc, check, fresh, headset_env,  # noqa: E402
                          write_lessons, written)
from class_hub import hub_ready, start_hub  # noqa: E402

HAND = [0.2, 1.3, -0.3]  # where the right controller is held (stage = world in the lobby)
AIM = re.compile(r"lobby-pick aim (\d+):((?: -?[\d.]+,-?[\d.]+,-?[\d.]+)*)")


def aim_key(target):
    d = [target[i] - HAND[i] for i in range(3)]
    n = math.sqrt(sum(v * v for v in d))
    d = [v / n for v in d]
    yaw = math.degrees(math.atan2(-d[0], -d[2]))
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, d[1]))))
    return yaw, pitch


class Learner:
    """Writes the script's next part into the gate file it waits for."""

    def __init__(self, head, folder):
        self.head, self.folder, self.n = head, folder, 0

    def aims(self, after=0):
        """The picker's choices from the latest aim line after `after`."""
        for line in reversed(self.head.lines[after:]):
            m = AIM.search(line)
            if m:
                pts = [[float(v) for v in p.split(",")] for p in m.group(2).split()]
                return pts
        return None

    def settle(self, after, count=None, timeout=30):
        """Waits for the picker to be drawn (count choices) and to stay put."""
        end = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < end:
            pts = self.aims(after)
            if pts is not None and (count is None or len(pts) == count):
                if pts != last:
                    last, since = pts, time.monotonic()
                elif time.monotonic() - since > 0.4:
                    return pts
            time.sleep(0.05)
        return None

    def press(self, point):
        """Aim at point, pull and let go of the trigger, then wait again."""
        yaw, pitch = aim_key(point)
        self.n += 1
        gate = os.path.join(self.folder, f"gate{self.n}")
        nxt = os.path.join(self.folder, f"gate{self.n + 1}")
        part = {"right": [{"t": 0, "position": HAND, "yaw": yaw, "pitch": pitch}],
                "events": [{"t": 0.3, "set": "/user/hand/right/input/trigger", "value": 1.0},
                           {"t": 0.5, "set": "/user/hand/right/input/trigger", "value": 0.0},
                           {"t": 0.7, "wait_for": nxt}]}
        mark = self.head.mark()
        with open(gate + ".tmp", "w") as f:
            json.dump(part, f)
        os.rename(gate + ".tmp", gate)
        return mark


def main():
    stoa, src, out, scene = (os.path.abspath(a) for a in sys.argv[1:5])
    fresh(out)
    lessons = os.path.join(out, "library", "lessons")
    os.makedirs(lessons)
    shutil.copy(scene, os.path.join(out, "library", "scene.glb"))
    write_lessons(lessons, "../scene.glb")
    hub_p, url = start_hub(stoa, out, lessons)
    head = None
    t_start = time.monotonic()
    try:
        code, hub = hub_ready(hub_p, url)
        if not code:
            return
        cls = hub._call("POST", "/api/class/create", {"title": "7B"})["id"]
        ana = hub._call("POST", "/api/learner/add", {"class_id": cls, "name": "Ana", "number": "1",
                                                     "pin": "1234"})["learner_id"]
        li = hub._call("POST", "/api/learner/add", {"class_id": cls, "name": "Li Wei",
                                                    "number": "2"})["learner_id"]
        hub._call("POST", "/api/class/current", {"class_id": cls})
        gates = os.path.join(out, "gates")
        os.makedirs(gates)
        script = os.path.join(out, "learner.json")
        with open(script, "w") as f:
            json.dump({"head": [{"t": 0, "position": [0, 1.6, 0]}],
                       "right": [{"t": 0, "position": HAND}],
                       "events": [{"t": 0.2, "wait_for": os.path.join(gates, "gate1")}]}, f)
        env = headset_env(os.environ, out, "hs", eye="64x64")
        env.update(STOA_XRSIM_SCRIPT=script, STOA_LOG_RUN="debug")
        traces = os.path.join(out, "hs", "traces")
        head = Proc([stoa, "run", "--sim", "--hub", url, "--join", code, "--device", "hs",
                     "--traces", traces, "--max-seconds", "150"], env, os.path.join(out, "hs.log"))
        learner = Learner(head, gates)
        names = learner.settle(0, 2)
        check(names is not None, f"the lobby lists the class's two names ({learner.aims()})")
        if names is None:
            return

        # Ana, a wrong PIN: refused, shown, the keypad stays.
        mark = learner.press(names[0])
        keys = learner.settle(mark, 12)
        check(keys is not None, "picking Ana opens the PIN keypad")
        if keys is None:
            return
        for digit in "1111":
            mark = learner.press(keys[int(digit) - 1 if digit != "0" else 10])
            learner.settle(mark, 12, timeout=10)
        refused = head.wait_for(r"sign-in refused: bad_pin", 20, mark)
        check(refused is not None, "a wrong PIN is refused by the hub")
        check(learner.settle(refused or mark, 12) is not None,
              "the refusal is shown on the keypad, which stays for another try")
        hs = hub.headsets().get("hs", {})
        check(not hs.get("learner_id"), f"nobody is signed in after the wrong PIN ({hs.get('learner_id')})")

        # The right PIN.
        for digit in "1234":
            mark = learner.press(keys[int(digit) - 1])
            learner.settle(mark, None, timeout=10)
        signed = head.wait_for(r"signed in: learner " + ana, 20, mark)
        check(signed is not None, "the right PIN signs Ana in on the headset")
        end = time.monotonic() + 15
        while time.monotonic() < end and hub.headsets().get("hs", {}).get("learner_id") != ana:
            time.sleep(0.1)
        check(hub.headsets().get("hs", {}).get("learner_id") == ana, "the hub records Ana on the headset")

        def play(who):
            m = head.mark()
            end = time.monotonic() + 30  # a late status: "Sent to 0" for a moment
            while time.monotonic() < end and not hub.command("launch", lesson="short.yaml").get("sent"):
                time.sleep(0.3)
            got = head.wait_for(r"learner trace: (\S+)", 60, m)
            done = head.wait_for(r"in the lobby", 60, m)
            if not got or not done:
                return None
            path = re.search(r"learner trace: (\S+)", head.lines[got - 1]).group(1)
            return path

        log_a = play(ana)
        check(log_a is not None, "a lesson launched for Ana plays and ends")

        # Passed on: sign out in the headset, Li Wei picks their name.
        out_btn = learner.settle(signed or 0, 1)
        check(out_btn is not None, "signed in, the lobby offers 'Not you? Sign out'")
        if out_btn is None:
            return
        mark = learner.press(out_btn[0])
        check(head.wait_for(r"signed out", 20, mark) is not None, "the learner signs out in the headset")
        names = learner.settle(mark, 2)
        check(names is not None, "the names are listed again")
        if names is None:
            return
        mark = learner.press(names[1])
        signed_li = head.wait_for(r"signed in: learner " + li, 20, mark)
        check(signed_li is not None, "Li Wei (no PIN) signs in by picking their name, no restart")
        end = time.monotonic() + 15
        while time.monotonic() < end and hub.headsets().get("hs", {}).get("learner_id") != li:
            time.sleep(0.1)
        check(hub.headsets().get("hs", {}).get("learner_id") == li, "the hub records Li Wei on the headset")
        log_l = play(li)
        check(log_l is not None, "a lesson launched for Li Wei plays and ends")

        # Each run's statements are stored under its learner.
        time.sleep(1.0)
        sts = written(traces)
        by_reg = {}
        for st in sts.values():
            by_reg.setdefault(st.get("context", {}).get("registration"), []).append(st)
        ok, detail = len(by_reg) == 2, []
        for reg, group in by_reg.items():
            stored = hub.stored(reg)
            who = {s["actor"].get("account", {}).get("name") for s in stored}
            detail.append(f"{len(group)} written, {len(stored)} stored, actors {sorted(who)}")
            ok = ok and len(stored) == len(group) and len(who) == 1
        actors = [next(iter({s["actor"]["account"]["name"] for s in hub.stored(r)}), None)
                  for r in sorted(by_reg, key=lambda r: min(s["timestamp"] for s in by_reg[r]))]
        check(ok and actors == [ana, li], f"the runs are stored under Ana, then Li Wei ({'; '.join(detail)})")
        check(head.stop() == 0, "Ctrl-C ends the headset cleanly")
        print(f"FIGURES whole test: {time.monotonic() - t_start:.1f} s")
    except Exception as e:  # a broken step is a failure, said, not a silent exit
        import traceback
        traceback.print_exc()
        check(False, f"the test runs to its end ({e!r})")
    finally:
        for p in (head, hub_p):
            if p:
                p.kill()
        print(f"{len(PASSES)} passed, {len(FAILS)} failed")
        sys.exit(1 if FAILS or not PASSES else 0)


if __name__ == "__main__":
    main()
