#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`stoa play` reloads an edited lesson whose sky changed: the lesson file is
read and the new sky resolved and its light baked on a worker
(runtime/run/run_reload.c, run_sky_prepare as for a lesson the hub switches
to), so the frame thread makes no sky: the play counts the GPU objects its
frame thread makes while it steps the session and its author side (where
the reload and the sky happen; the draw's pipelines made when first drawn
are counted apart), and that count stays 0 across the reload. Works on a copy of scenes/agora; the edit turns
the lesson's sky to dusk (18:30).

usage: test_play_sky_reload.py STOA SOURCE_DIR OUT_DIR   (re-runs itself under xvfb-run)
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)


def wait_for(lines, pattern, timeout):
    end = time.time() + timeout
    while time.time() < end:
        if any(re.search(pattern, l) for l in list(lines)):
            return True
        time.sleep(0.1)
    return False


def light_mean(path):
    """A screenshot of the 320x240 window (at the screen's top left) and the
    mean colour of its top 40 rows: the scene as the sky lights it, above
    the lesson's panels (more of them as the lesson goes on, and darker than
    the scene: over the whole window they alone would pass for a dusk)."""
    subprocess.run(["import", "-window", "root", "-crop", "320x240+0+0", path], check=True,
                   timeout=60)
    raw = subprocess.run(["convert", path, "-crop", "320x40+0+0", "-depth", "8", "rgb:-"],
                         check=True, capture_output=True, timeout=60).stdout
    n = len(raw) // 3
    return [sum(raw[i::3]) / n for i in range(3)]


def main():
    stoa, src, out = sys.argv[1:4]
    missing = [t for t in ("xvfb-run", "import", "convert") if not shutil.which(t)]
    if missing:  # as the play tests do (tools/setup installs them)
        print(f"skipped: {', '.join(missing)} needed (xvfb, ImageMagick)")
        return 77
    if not os.environ.get("DISPLAY"):
        os.execvp("xvfb-run", ["xvfb-run", "-a", "-n", str(100 + os.getpid() % 800), "-s",
                               "-screen 0 1024x768x24", sys.executable] + sys.argv)
    work = os.path.join(out, "agora")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(os.path.join(src, "scenes", "agora"), work)
    lesson = os.path.join(work, "lessons", "stoa-poikile.yaml")
    text = open(lesson).read()
    check("\nscene: ../agora.glb\n" in text and "\nsky:" not in text,
          "the lesson names its scene and no sky (the edit adds one)")
    env = dict(os.environ, STOA_LOG_RUN="info", STOA_LOG_PLAY="info",
               XDG_CACHE_HOME=os.path.join(out, "cache"))
    proc = subprocess.Popen([stoa, "play", lesson, "--size", "320x240", "--max-seconds", "120"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    so, se = [], []
    for f, keep in ((proc.stdout, so), (proc.stderr, se)):
        threading.Thread(target=lambda f=f, keep=keep: keep.extend(f), daemon=True).start()
    check(wait_for(so, r"stoa play: ready", 90), "play says ready")
    # The picture before with the textures in, as after: stand-ins (white)
    # and the streamed textures would differ by more than the sky does.
    # (A cold cache streams them in after the first frame; a warm one has them.)
    if any("textures streaming in" in l for l in list(se)):
        check(wait_for(se, r"every texture in", 90), "the scene's textures stream in")
    time.sleep(1.5)  # frames drawn with them; a file time apart from the first read's
    before = light_mean(os.path.join(out, "sky_before.png"))
    tmp = lesson + ".new"
    with open(tmp, "w") as f:
        f.write(text.replace("\nscene: ../agora.glb\n",
                             '\nscene: ../agora.glb\nsky: {time: "18:30"}\n', 1))
    os.replace(tmp, lesson)
    check(wait_for(se, r"reloaded; resumed at the same state", 60),
          "the edit reloads the lesson and resumes it")
    time.sleep(1.5)  # frames drawn under the new sky
    after = light_mean(os.path.join(out, "sky_after.png"))
    check(sum(after) < sum(before) - 30,
          f"the scene is lit by the dusk sky after the reload (mean {before} -> {after})")
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    time.sleep(0.2)
    log = "".join(se)
    check(proc.returncode == 0, f"play exits 0 (got {proc.returncode}: {log.strip()[-300:]})")
    check(re.search(r"sky for .*stoa-poikile\.yaml: its light baked on the loader", log),
          "the new sky's light is baked on the reload's worker")
    m = re.search(r"stoa play: frame path: (\d+) GPU objects created, (\d+) of them stepping "
                  r"the session", "".join(so))
    check(m is not None and m.group(2) == "0",
          "the frame thread made no GPU object stepping the session and reloading, so no sky "
          f"({m.group(0) if m else 'no frame-path line'})")
    print("passed" if not FAILS else f"{len(FAILS)} failed")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
