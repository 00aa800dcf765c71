#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Frame pacing of `stoa run` on xrsim with a classroom hub: the sample lesson
in the agora, a scripted learner who hovers over every quiz choice
(tests/run/pacing.yaml), a teacher who pauses, sends messages and switches
lessons twice (to a dusk sky, then under an environment image and to the
heaviest corpus scene, DamagedHelmet,
when ../shared/gltf-samples has it), a session lost and recovered while the
teacher's pause holds, and a launch that cannot start. Checked:

- no device-idle wait on the frame path and no GPU object (buffer, image,
  descriptor pool, pipeline...) created on the frame thread (the runtime
  counts both);
- frame CPU time (Stoa's own code) p99 under P99_BOUND_MS and max under
  MAX_BOUND_MS, stated and printed;
- the teacher's pause survives the session's loss and recovery; the
  teacher's resume resumes; a hovered choice updates its panel in place;
- a failed launch is told to the hub and the headset stays in its lesson.

usage: test_frame_pacing.py STOA HUB_DRIVER SOURCE_DIR OUT_DIR
(PACING_LOG=debug in the environment: the headset logs each slow frame by phase.)
"""
import json
import os
import re
import shutil
import signal
import subprocess
import struct
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from class_common import FAILS, PASSES, Proc, check  # noqa: E402  (shared by the run tests)
from class_hub import hub_ready, start_hub  # noqa: E402  (the hub and its signed-in client)

# Bounds for Stoa's own time per frame on the frame thread (taking a
# switched lesson in, input, lesson, panels, posing, recording; GPU and
# display waits excluded), measured on the thread's CPU clock, so that time
# spent descheduled on a busy machine does not count: the wall-clock figure
# (printed beside it) failed these bounds at load averages of 20 and more,
# with unchanged code. The frame thread creates no GPU object at all
# (switched scenes and rebuilt panels are made on workers, what a switch lets
# go is freed on a thread of its own). Before that (GPU objects and
# descriptor pools of switched scenes and rebuilt panels made on the frame
# thread) the max was 79-121 ms; a panel change alone once cost 60-300 ms and
# a lesson switch seconds: CPU work on the frame path, which these bounds
# catch. A sanitizer build runs about 3 times slower.
SLOW = 3.0 if os.environ.get("ASAN_OPTIONS") else 1.0
P99_BOUND_MS = 10.0 * SLOW
MAX_BOUND_MS = 60.0 * SLOW


def heaviest_sample(src):
    """DamagedHelmet, the heaviest binary glTF of the corpus, or None."""
    p = os.path.join(src, "..", "shared", "gltf-samples", "DamagedHelmet", "glTF-Binary",
                     "DamagedHelmet.glb")
    return p if os.path.exists(p) else None


def write_sky_png(path, width=2048, height=1024):
    """An environment image (2:1, made here): a pink north, a cyan south
    above a green ground. Large, so that decoding it is real work."""
    row_sky = (b"\xff\x80\xc0" * (width // 4) + b"\x40\xe0\xff" * (width // 2)
               + b"\xff\x80\xc0" * (width // 4))
    row_ground = b"\x30\x90\x30" * width
    raw = b"".join(b"\x00" + (row_sky if y < height // 2 else row_ground) for y in range(height))
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def make_library(src, work):
    """The agora and its lessons copied (headsets keep fetched lessons beside
    the one they started with), plus a heavy lesson and a broken one. The
    Chinese lesson is set at dusk and the heavy one under an environment
    image: each switch brings another sky, whose light must be made on the
    switch's loader, not on the frame thread."""
    scenes = os.path.join(work, "scenes")
    shutil.copytree(os.path.join(src, "scenes/agora"), scenes)
    lessons = os.path.join(scenes, "lessons")
    zeno = os.path.join(lessons, "zeno-zh.yaml")
    text = open(zeno, encoding="utf-8").read()
    assert "\nscene: ../agora.glb\n" in text
    open(zeno, "w", encoding="utf-8").write(
        text.replace("\nscene: ../agora.glb\n", '\nscene: ../agora.glb\nsky: {time: "18:30"}\n', 1))
    write_sky_png(os.path.join(lessons, "sky.png"))
    heavy = heaviest_sample(src)
    if heavy:
        shutil.copy(heavy, os.path.join(scenes, "heavy.glb"))
    else:
        print("SKIP (part): ../shared/gltf-samples/DamagedHelmet is absent: the second switch "
              "goes back to the agora instead of the heaviest corpus scene")
    with open(os.path.join(lessons, "heavy.yaml"), "w") as f:
        f.write("stoa_lesson: 1\nid: test.heavy\ntitle: {en: Heavy}\nlanguages: [en]\n"
                f"scene: ../{'heavy.glb' if heavy else 'agora.glb'}\nsky: {{environment: sky.png}}\n"
                "start: look\nstates:\n"
                "  look:\n    title: {en: Look}\n    on_enter:\n"
                "      - show_panel: {text: {en: Look at the helmet.}}\n"
                "    triggers:\n      - instructor: continue\n        goto: look\n")
    with open(os.path.join(lessons, "broken.yaml"), "w") as f:
        f.write("stoa_lesson: 1\nid: test.broken\ntitle: {en: Broken}\nlanguages: [en]\n"
                "scene: ../no-such-scene.glb\nstart: a\nstates:\n  a:\n    title: {en: A}\n"
                "    on_enter:\n      - end: completed\n")
    return lessons, bool(heavy)


def main():
    stoa, hub_bin, src, out = sys.argv[1:5]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    lessons, heavy = make_library(src, os.path.join(out, "library"))
    env = dict(os.environ, XDG_STATE_HOME=os.path.join(out, "state"))
    hub_p, url = start_hub(stoa, out, lessons, env, hub_cmd=[hub_bin])
    headset = None
    try:
        code, hub = hub_ready(hub_p, url)
        if not hub:
            return
        # The simulated clock (not real time): the learner's timeline holds
        # however busy the machine is; the teacher acts on what the headset says.
        henv = dict(env, STOA_XRSIM_SCRIPT=os.path.join(src, "tests/run/pacing.yaml"),
                    STOA_AUDIO_SILENT="1", STOA_LOG=os.environ.get("PACING_LOG", "warn"),
                    STOA_LOG_RUN="info",  # what the switches' loaders did with the skies
                    STOA_LOG_XR="info",  # the session's states (the one after the loss)
                    # The script's 160x160 eyes: with 96x96 the hover check saw
                    # 1 in-place panel update in 2 of 6 runs (not understood).
                    STOA_XRSIM_SUMMARY=os.path.join(out, "summary.json"))
        headset = Proc([stoa, "run", os.path.join(lessons, "stoa-poikile.yaml"), "--sim",
                        "--hub", url, "--join", code, "--device", "pacing",
                        "--traces", os.path.join(out, "traces"), "--max-seconds", "240"],
                       henv, os.path.join(out, "headset.log"))
        # With a hub the headset waits in the lobby until the teacher launches.
        hub.wait_headset(lambda h: h.get("connected"), 60)
        hub.command("launch", lesson="stoa-poikile.yaml")
        at = headset.wait_for(r"state quiz", 120)
        check(at is not None, "the learner reaches the quiz")
        if not at:
            return
        hub.command("message", text="Take your time with the question.")
        # Paused before the loss (script 36.5 s); the learner sweeps over the
        # choices meanwhile (27.5-35.5 s): hovering works while paused.
        hub.command("pause")
        h = hub.wait_headset(lambda h: h.get("paused"), 10)
        check(h.get("paused"), "the teacher's pause reaches the headset")
        lost = headset.wait_for(r"session was lost", 30, at)
        check(lost is not None, "the session is lost (script 36.5 s) and the run goes on")
        paused_at = headset.wait_for(r"the instructor says: pause", 1, at)
        check(paused_at is not None and lost is not None and paused_at < lost,
              "the pause reached the headset before the loss (what the next check is about)")
        # The new session runs (xrsim's second session focused); the headset
        # reports each frame.
        headset.wait_for(r"session \w+ -> FOCUSED", 30, lost or at)
        time.sleep(1)
        h = hub.headset()
        check(h.get("paused") is True,
              f"after the session came back the teacher's pause still holds ({h.get('paused')})")
        hub.command("resume")
        h = hub.wait_headset(lambda h: h.get("paused") is False, 10)
        check(h.get("paused") is False, "the teacher's resume resumes")
        mark = len(headset.lines)
        hub.command("launch", lesson="zeno-zh.yaml")
        check(headset.wait_for(r"switching to lesson .*zeno-zh", 60, mark) is not None,
              "switch 1: zeno-zh (same scene, at dusk)")
        check(any(re.search(r"sky for .*zeno-zh.yaml: its light baked on the loader", l)
                  for l in headset.lines[mark:]),
              "switch 1: the dusk sky's light is baked on the loader")
        hub.command("message", text="Now the helmet.")
        mark = len(headset.lines)
        hub.command("launch", lesson="heavy.yaml")
        check(headset.wait_for(r"switching to lesson .*heavy", 120, mark) is not None,
              f"switch 2: the {'heaviest corpus scene' if heavy else 'agora again'}, loaded on a worker")
        lines = headset.lines[mark:]
        check(any(re.search(r"sky: the environment image .*sky\.png \(sky\.environment\)", l)
                  for l in lines)
              and any(re.search(r"sky for .*heavy.yaml: its light baked on the loader", l)
                      for l in lines),
              "switch 2: the lesson's environment image (sent by the hub) is decoded and its "
              "light baked on the loader")
        time.sleep(1)  # frames of the new lesson (its sky is taken in by the first)
        mark = len(headset.lines)
        hub.command("launch", lesson="broken.yaml")
        failed = headset.wait_for(r"launch failed", 60, mark)
        h = hub.wait_headset(lambda h: h.get("error"), 10)
        check(failed is not None and "no-such-scene" in (h.get("error") or ""),
              f"a launch that cannot start is told to the hub ({h.get('error')!r})")
        check(headset.p.poll() is None and h.get("lesson") == "test.heavy",
              f"and the headset stays in its lesson ({h.get('lesson')})")
        time.sleep(0.5)
        headset.p.send_signal(signal.SIGINT)
        try:
            headset.p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            headset.p.kill()
            check(False, "the headset ends on Ctrl-C")
        time.sleep(0.5)
        text = headset.text()
        check(headset.p.returncode == 0, f"the run ends cleanly ({headset.p.returncode}: {text[-400:]})")
        m = re.search(r"frame path: (\d+) device-idle waits, (\d+) descriptor pools, (\d+) GPU "
                      r"objects created, (\d+) pipelines compiled while recording", text)
        c = re.search(r"frame CPU time over (\d+) frames: median ([\d.]+) ms, p99 ([\d.]+) ms, "
                      r"max ([\d.]+) ms", text)
        w = re.search(r"the same by the wall clock \(with time descheduled\): median ([\d.]+) ms, "
                      r"p99 ([\d.]+) ms, max ([\d.]+) ms", text)
        p = re.search(r"panels: (\d+) rebuilt, (\d+) updated in place", text)
        check(m is not None and c is not None, "the run reports its frame path")
        if m and c:
            print(f"FIGURES: {c.group(1)} frames, device-idle waits {m.group(1)}, descriptor pools "
                  f"{m.group(2)}, GPU objects created {m.group(3)}, pipelines while recording "
                  f"{m.group(4)}, CPU median {c.group(2)} ms, "
                  f"p99 {c.group(3)} ms, max {c.group(4)} ms"
                  + (f"; wall clock median {w.group(1)} ms, p99 {w.group(2)} ms, max {w.group(3)} ms"
                     if w else "")
                  + (f", panels rebuilt {p.group(1)}, updated in place {p.group(2)}" if p else ""))
            check(int(m.group(1)) == 0, f"no device-idle wait on the frame path ({m.group(1)})")
            check(int(m.group(2)) == 0 and int(m.group(3)) == 0,
                  f"no descriptor pool ({m.group(2)}) nor any other GPU object ({m.group(3)}) "
                  "created on the frame thread: switched scenes and rebuilt panels are made on workers")
            check(int(m.group(4)) == 0, f"no pipeline compiled while recording ({m.group(4)})")
            check(float(c.group(3)) < P99_BOUND_MS,
                  f"frame CPU p99 {c.group(3)} ms < {P99_BOUND_MS} ms")
            check(float(c.group(4)) < MAX_BOUND_MS,
                  f"frame CPU max {c.group(4)} ms < {MAX_BOUND_MS} ms")
        check(p is not None and int(p.group(2)) >= 4,
              f"hovering over the choices updates the quiz panel in place ({p.group(0) if p else None})")
    finally:
        for pr in (headset, hub_p):
            if pr and pr.p.poll() is None:
                pr.p.kill()
        print(f"{len(PASSES)} passed, {len(FAILS)} failed")
        sys.exit(1 if FAILS or not PASSES else 0)


if __name__ == "__main__":
    main()
