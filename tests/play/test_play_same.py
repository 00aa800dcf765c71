#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The headset and the desktop play the same lesson the same way: the
desktop learner's trace (written by test_play_desktop.py) and a simulated
headset's (`stoa run --sim`, tests/lesson_run/learner_right.yaml: the same
choices, quiz answered right) go through the same states and carry the same
lesson-flow verbs (initialized, experienced, answered and its success,
passed/failed, completed, terminated), and each says its device type.

Verbs that depend on where a learner looks or for how long (gazed,
listened, interacted, pose samples) differ between any two learners and are
left out of the comparison.

usage: test_play_same.py STOA SOURCE_DIR DESKTOP_OUT OUT_DIR
"""
import glob
import json
import os
import shutil
import subprocess
import sys

FLOW = {"initialized", "experienced", "answered", "passed", "failed", "completed", "terminated"}
EXT = "https://stoa.dev/xapi/extensions/device-type"
FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)
    return cond


def flow(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    seq = []
    for r in rows:
        verb = r["verb"]["id"].rsplit("/", 1)[-1]
        obj = r["object"]["id"]
        if verb not in FLOW or "/tasks/" in obj:
            continue
        tail = obj.rsplit("/", 1)[-1]
        ok = r.get("result", {}).get("success")
        seq.append(f"{verb} {tail}" + (f" success={ok}" if verb == "answered" else ""))
    devices = {r["context"].get("extensions", {}).get(EXT) for r in rows}
    return seq, devices


def main():
    stoa, src, desk_out, out = sys.argv[1:5]
    desk = glob.glob(os.path.join(desk_out, "traces", "*.jsonl"))
    if len(desk) != 1:
        print(f"skipped: no desktop trace in {desk_out} (play_desktop did not run or failed)")
        sys.exit(77)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    env = dict(os.environ, STOA_XRSIM_SCRIPT=os.path.join(src, "tests/lesson_run/learner_right.yaml"),
               STOA_XRSIM_FAST="1", STOA_XRSIM_EYE_SIZE="96x96")
    r = subprocess.run([stoa, "run", "--sim", os.path.join(src, "scenes/agora/lessons/stoa-poikile.yaml"),
                        "--traces", os.path.join(out, "traces"), "--learner", "headset-learner-1"],
                       env=env, capture_output=True, text=True, timeout=240)
    check(r.returncode == 0, f"the simulated headset plays the lesson (rc {r.returncode}: {r.stderr[-300:]})")
    head = glob.glob(os.path.join(out, "traces", "*.jsonl"))
    if not check(len(head) == 1, "one headset trace"):
        sys.exit(1)
    hs, hdev = flow(head[0])
    ds, ddev = flow(desk[0])
    check(hdev == {"headset"}, f"the headset's statements say device-type headset ({hdev})")
    check(ddev == {"desktop"}, f"the desktop's statements say device-type desktop ({ddev})")
    check(len(hs) > 10, f"the headset's lesson flow has {len(hs)} statements")
    if not check(hs == ds, "the same states and lesson-flow verbs, in the same order"):
        for i in range(max(len(hs), len(ds))):
            a = hs[i] if i < len(hs) else "-"
            b = ds[i] if i < len(ds) else "-"
            print(f"  {'  ' if a == b else '!='} headset: {a:40s} desktop: {b}")
    print(f"{len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
