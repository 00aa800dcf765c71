#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Baked scenes from the hub (issue 18; docs/hub.md, "Baked scenes"): the
real `stoa hub` serves the sample library; one real headset (`stoa run
--sim --hub`) with an empty scene cache. Checked:

- launch 1, to no headset: it starts the bake of the lesson's scene; the
  hub bakes it once, in the background;
- launch 2: the launch lists the baked file, the headset fetches it, lays
  it out beside the scene, and the scene loader checks it and takes it
  into the cache: the log shows the hit from the hub's file and no import;
- launch 3 (a new headset process: one keeps a loaded scene), both caches
  emptied and the hub's baked file damaged on disk: the download fails its
  SHA-256, the headset says so and imports.

usage: test_class_bake.py STOA SOURCE_DIR OUT_DIR
"""
import glob
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from class_common import FAILS, PASSES, Proc, check, fresh, headset_env  # noqa: E402
from class_hub import hub_ready, start_hub  # noqa: E402

LESSON = "zeno-zh.yaml"  # names ../agora.glb


def main():
    stoa, src, out = (os.path.abspath(a) for a in sys.argv[1:4])
    fresh(out)
    lessons = os.path.join(src, "scenes/agora/lessons")
    hub_dir = os.path.join(out, "hub")  # start_hub's data folder
    hub_p, url = start_hub(stoa, out, lessons, dict(os.environ, STOA_LOG_HUB="info"))
    head = None
    home = os.path.join(out, "hs")
    os.makedirs(home)
    scenes = os.path.join(out, "hs-scenes")
    t_start = time.monotonic()
    try:
        code, hub = hub_ready(hub_p, url)
        if not code:
            return
        env = headset_env(os.environ, out, "hs", eye="64x64")
        env.update(HOME=home, STOA_SCENE_CACHE=scenes, STOA_LOG_SCENE="debug", STOA_LOG_NET="info")

        def start(n):
            # A new headset process each time: one keeps a loaded scene
            # across launches of the same lesson.
            nonlocal head
            head = Proc([stoa, "run", "--sim", "--hub", url, "--join", code, "--device", "hs",
                         "--traces", os.path.join(home, "traces"), "--max-seconds", "120"], env,
                        os.path.join(out, f"hs{n}.log"), cwd=home)
            check(head.wait_for(r"in the lobby", 30) is not None, f"headset {n} waits in the lobby")
            end = time.monotonic() + 20
            while time.monotonic() < end and not hub.headsets().get("hs", {}).get("connected"):
                time.sleep(0.1)

        def stop(n):
            check(head.stop() == 0, f"Ctrl-C ends headset {n} cleanly")
            end = time.monotonic() + 20
            while time.monotonic() < end and hub.headsets().get("hs", {}).get("connected"):
                time.sleep(0.1)

        def launch(n):
            mark = head.mark()
            end = time.monotonic() + 30
            while time.monotonic() < end and not hub.command("launch", lesson=LESSON).get("sent"):
                time.sleep(0.3)
            ok = head.wait_for(r"learner trace: ", 40, mark) is not None
            check(ok, f"launch {n}: the lesson plays")
            return "\n".join(head.lines[mark:])

        # A launch starts the bake of its scene; this one reaches no headset.
        check(hub.command("launch", lesson=LESSON).get("sent", -1) == 0,
              "a launch with no headset connected is sent to none")
        # The headset starts while the hub bakes (both take seconds: overlapped).
        start(1)
        baked = hub_p.wait_for(r"baked .*agora\.glb for headsets", 60)
        check(baked is not None, "the hub bakes the lesson's scene once, in the background")
        files = glob.glob(os.path.join(hub_dir, "bakes", "*.stoabake"))
        check(len(files) == 1, f"one baked file in the hub's folder ({files})")

        t0 = time.monotonic()
        log = launch(2)
        check(re.search(r"baked scene agora\.glb\.stoabake: fetched from the hub", log) is not None,
              "launch 2: the baked file is fetched from the hub")
        check("took the baked file" in log and "importing" not in log,
              "launch 2: the scene loader checks it and takes it: a cache hit, no import")
        key = os.path.basename(files[0]) if files else "?"
        check(os.path.exists(os.path.join(scenes, key)),
              f"launch 2: the baked file is in the headset's scene cache as {key}")
        print(f"FIGURES launch 2 (baked file from the hub): in the lesson after "
              f"{time.monotonic() - t0:.2f} s")

        stop(1)
        # Damaged on the hub: the download fails its hash; the headset imports.
        if files:
            with open(files[0], "r+b") as f:
                f.seek(os.path.getsize(files[0]) // 2)
                byte = f.read(1)
                f.seek(-1, 1)
                f.write(bytes([byte[0] ^ 0xFF]))
        shutil.rmtree(scenes, ignore_errors=True)
        for p in glob.glob(os.path.join(out, "hs", "cache", "stoa", "content", "*")):
            if re.fullmatch(r"[0-9a-f]{64}", os.path.basename(p)):
                os.unlink(p)
        start(2)
        log = launch(3)
        check("do not have the announced SHA-256" in log and "the scene is imported" in log,
              "launch 3: a damaged download is refused")
        check("not in the scene cache; importing" in log and "took the baked file" not in log,
              "launch 3: the headset imports the scene")
        stop(2)
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
