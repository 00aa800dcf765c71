#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A sample lesson sent to a headset that has none of its files (issue 11):
the real `stoa hub` serves the sample library (scenes/agora/lessons, whose
lessons name "../agora.glb" and "../narration/*.wav"), and one real headset
(`stoa run --sim --hub`, no lesson given, its working folder and cache
empty) waits in the lobby. Checked:

- the launch lays the lesson out from the content cache as the library's
  tree: the scene, both narration clips and the lesson are fetched by
  SHA-256 (before: such a lesson was launched without its files and failed
  on a headset that did not hold the scene), the lesson plays (its scene
  loads, its narration is found) and ends;
- every statement it wrote is stored by the hub under its registration;
- a second launch of the lesson transfers nothing: every file comes from
  the cache (the headset's counters).

usage: test_class_content.py STOA SOURCE_DIR OUT_DIR
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from class_common import (FAILS, PASSES, Proc, by_registration, check, fresh, headset_env,  # noqa: E402
                          written)
from class_hub import hub_ready, start_hub  # noqa: E402

LESSON = "zeno-zh.yaml"  # names ../agora.glb, ../narration/statue.wav and end.wav


def main():
    stoa, src, out = (os.path.abspath(a) for a in sys.argv[1:4])
    fresh(out)
    lessons = os.path.join(src, "scenes/agora/lessons")
    hub_p, url = start_hub(stoa, out, lessons)
    head = None
    home = os.path.join(out, "hs")
    os.makedirs(home)
    t_start = time.monotonic()
    try:
        code, hub = hub_ready(hub_p, url)
        if not code:
            return
        env = headset_env(os.environ, out, "hs", eye="64x64")
        env["HOME"] = home  # nothing of the library's in reach
        traces = os.path.join(home, "traces")
        head = Proc([stoa, "run", "--sim", "--hub", url, "--join", code, "--device", "hs",
                     "--traces", traces, "--max-seconds", "120"], env, os.path.join(out, "hs.log"),
                    cwd=home)
        check(head.wait_for(r"in the lobby", 30) is not None, "the headset waits in the lobby")
        end = time.monotonic() + 20
        while time.monotonic() < end and not hub.headsets().get("hs", {}).get("connected"):
            time.sleep(0.1)
        check(not os.path.exists(os.path.join(out, "hs", "cache", "stoa", "content")) or
              not os.listdir(os.path.join(out, "hs", "cache", "stoa", "content")),
              "the headset's content cache starts empty")

        def send(cmd, **kw):
            # A headset whose status is late (a loaded machine, a scene
            # loading) is no target for a moment: "Sent to 0"; say it again.
            end = time.monotonic() + 30
            while time.monotonic() < end:
                if hub.command(cmd, **kw).get("sent"):
                    return True
                time.sleep(0.3)
            return False

        def play(first):
            mark = head.mark()
            t0 = time.monotonic()
            send("launch", lesson=LESSON)
            got = head.wait_for(r"lesson files: ", 30, mark)
            line = head.lines[got - 1] if got else ""
            m = re.search(r"(\d+) fetched \((\d+) bytes\), (\d+) from the cache", line)
            fetched, nbytes, cached = (int(m.group(i)) for i in (1, 2, 3)) if m else (-1, -1, -1)
            trace = head.wait_for(r"learner trace: ", 30, mark)
            check(trace is not None, f"launch {'1' if first else '2'}: the lesson plays ({line})")
            if trace:
                print(f"FIGURES launch {'1' if first else '2'}: {fetched} files ({nbytes} bytes) "
                      f"fetched, {cached} from the cache; in the lesson after "
                      f"{time.monotonic() - t0:.2f} s")
            # The lesson's states, to its end (its closing narration is end.wav).
            head.wait_for(r"state ", 20, mark)
            send("goto", state="结束")
            # Its end is what this test needs (run_class_hub checks the result
            # and the lobby): the next launch replaces it at once.
            ended = head.wait_for(r"lesson ended: completed", 60, mark)
            check(ended is not None, f"launch {'1' if first else '2'}: the lesson plays to its end")
            print(f"FIGURES launch {'1' if first else '2'}: ended after {time.monotonic() - t0:.1f} s")
            return fetched, nbytes, cached, mark

        fetched, nbytes, cached, mark = play(True)
        glb = os.path.getsize(os.path.join(src, "scenes/agora/agora.glb"))
        check(fetched == 4 and cached == 0 and nbytes > glb,
              f"launch 1: the scene, two narration clips and the lesson are fetched "
              f"({fetched} files, {nbytes} bytes, {cached} cached)")
        log = "\n".join(head.lines[mark:])
        check("narration" not in log and "cannot" not in log,
              "launch 1: the scene and the narration are found where the lesson names them")
        fetched, nbytes, cached, _ = play(False)
        check(fetched == 0 and nbytes == 0 and cached == 4,
              f"launch 2: nothing is transferred, every file comes from the cache "
              f"({fetched} fetched, {cached} cached)")

        check(head.stop() == 0, "Ctrl-C ends the headset cleanly (its last statements sent)")
        regs = by_registration(written(traces))
        ok, detail = len(regs) == 2, []
        for reg, sts in regs.items():
            ids = [s["id"] for s in hub.stored(reg)]
            detail.append(f"{len(sts)} written, {len(ids)} stored")
            ok = ok and set(ids) == {s["id"] for s in sts} and len(ids) == len(set(ids))
        print("FIGURES statements: " + "; ".join(detail))
        check(ok, f"every statement of both runs is stored once ({'; '.join(detail)})")
        print(f"FIGURES whole test: {time.monotonic() - t_start:.1f} s")
        if os.environ.get("STOA_TEST_TIMELINE"):
            for t, line in zip(head.times, head.lines):
                print(f"  {t - t_start:6.2f} {line}")
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
