#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The preview opens a real window (under Xvfb), shows the model, and reloads
it when the file changes on disk; a broken edit keeps the last good scene.

It shows Stoa's generated box (box/box.gltf + box.bin: a 1 m cube, base
colour 0.8, 0, 0) from the build's test models (tools/testmodels).

One window shows the model, the HUD (its help rows found whole, drawn by the
panels' text renderer: tests/desktop/hud_find.c), a reload and a broken edit,
and closes on Esc; no fixed waits, screenshots until the change is seen.
A second window loads the agora from a cold cache: its first frame comes
before its levels of detail, which arrive without GPU work on the frame path.

usage: test_preview.py STOA TESTMODELS OUT_DIR HUD_FIND   (re-runs itself under xvfb-run)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

from hud_find import find_texts

FAILS = []
PASSES = []
SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    (PASSES if cond else FAILS).append(what)


def screenshot(path):
    subprocess.run(["import", "-window", "root", path], check=True)
    w, h = map(int, subprocess.run(["identify", "-format", "%w %h", path], check=True,
                                   capture_output=True, text=True).stdout.split())
    raw = subprocess.run(["convert", path, "-depth", "8", "rgb:-"], check=True,
                         capture_output=True).stdout
    return w, h, raw


def pixel(shot, x, y):
    w, _, raw = shot
    i = (y * w + x) * 3
    return raw[i], raw[i + 1], raw[i + 2]


def mean_rgb(shot, x0, y0, x1, y1):
    acc = [0, 0, 0]
    n = 0
    for y in range(y0, y1, 2):
        for x in range(x0, x1, 2):
            p = pixel(shot, x, y)
            for c in range(3):
                acc[c] += p[c]
            n += 1
    return [a / n for a in acc]


class Preview:
    """`stoa preview` in a window; stderr is read as it comes (reload messages)."""

    def __init__(self, stoa, scene, seconds):
        self.proc = subprocess.Popen(
            [stoa, "preview", scene, "--size", "640x480", "--exit-after", str(seconds)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.err = []
        threading.Thread(target=lambda: self.err.extend(self.proc.stderr), daemon=True).start()

    def wait_ready(self, timeout=90):
        start = time.time()
        line = self.proc.stdout.readline()
        return "ready" in line and time.time() - start < timeout

    def wait_err(self, text, timeout=30):
        end = time.time() + timeout
        while time.time() < end and not any(text in l for l in self.err):
            time.sleep(0.1)
        return any(text in l for l in self.err)

    def finish(self):
        """Esc (xdotool), else the --exit-after bound."""
        if shutil.which("xdotool"):
            wid = subprocess.run(["xdotool", "search", "--name", "Stoa preview"],
                                 capture_output=True, text=True, timeout=30).stdout.split()
            if wid:
                subprocess.run(["xdotool", "key", "--window", wid[0], "Escape"], timeout=30)
        self.proc.wait(timeout=120)
        time.sleep(0.1)  # the reader thread's last lines
        return self.proc.returncode, "".join(self.err)


def wait_shot(path, region, pred, timeout=30):
    """Screenshots until pred(mean colour of region) holds (a slow machine
    draws the change a few frames later); the last colour."""
    end = time.time() + timeout
    while True:
        c = mean_rgb(screenshot(path), *region)
        if pred(c) or time.time() > end:
            return c
        time.sleep(0.3)


def hud_text(hud_find, shot, texts):
    """Each text's best match in the HUD (tests/desktop/hud_find.c): (score, x, width)."""
    found = find_texts(hud_find, shot, HUD_PX, (0, 0, 40, 160), texts)
    return found and {t: (m[0], m[1], m[3]) for t, m in found.items()}


MIDDLE = (300, 260, 340, 300)
RED = lambda c: c[0] > 120 and c[1] < 70 and c[2] < 70  # noqa: E731
GREEN = lambda c: c[1] > 100 and c[0] < 60  # noqa: E731
HUD_PX = 15  # runtime/desktop/desktop_preview.c
HELP = ["drag: look  wheel: zoom  tab: fly  space: pause", "n: anim  f: frame  esc: quit"]


def test_window(stoa, models, out, hud_find):
    """One window: the model, the HUD's help, a reload, a broken edit, Esc."""
    work = os.path.join(out, "reload")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(os.path.join(models, "box"), work)
    path = os.path.join(work, "box.gltf")
    p = Preview(stoa, path, 120)
    check(p.wait_ready(), "preview says ready")
    box = os.path.join(out, "preview_box.png")
    r, g, b = wait_shot(box, MIDDLE, RED)
    check(RED((r, g, b)), f"the box is red in the middle of the window ({r:.0f},{g:.0f},{b:.0f})")
    shot = screenshot(box)
    edge = mean_rgb(shot, 600, 440, 630, 470)
    check(abs(edge[0] - edge[2]) < 40, f"background around the model is not red ({edge})")
    lit = sum(1 for y in range(4, 60) for x in range(4, 300) if pixel(shot, x, y)[1] > 200)
    check(lit > 200, f"the HUD shows text ({lit} lit pixels)")
    # The help's two rows, each drawn whole by the panels' text renderer and
    # inside a 640 px window (it was cut off at "f: fra", Esc not named).
    found = hud_text(hud_find, box, HELP)
    if found is None:
        print("note: no Chinese font: the help rows are not matched")
    else:
        for t in HELP:
            s, x, w = found.get(t, (0.0, 0, 0))
            check(s > 0.9 and x + w < 630, f"help row '{t}' drawn whole inside the window "
                  f"(score {s:.2f}, ends at x {x + w})")
    # An edit is shown without restarting.
    doc = json.load(open(path))
    doc["materials"][0]["pbrMetallicRoughness"]["baseColorFactor"] = [0.0, 0.8, 0.0, 1.0]
    tmp = path + ".new"
    json.dump(doc, open(tmp, "w"))
    os.replace(tmp, path)
    after = wait_shot(os.path.join(out, "reload_after.png"), MIDDLE, GREEN)
    check(GREEN(after), f"the edited file is shown without restarting (after {after})")
    with open(path, "w") as f:
        f.write("{ this is not json")
    check(p.wait_err("reload failed"), "the broken edit is reported")
    time.sleep(0.5)  # a frame or two after the failed load
    broken = mean_rgb(screenshot(os.path.join(out, "reload_broken.png")), *MIDDLE)
    check(GREEN(broken), f"a broken edit keeps the last good scene ({broken})")
    code, err = p.finish()
    check(code == 0, f"preview exits 0 on Esc (got {code}; stderr: {err.strip()[-400:]})")
    check("reload failed" in err and "box.gltf" in err, "the broken edit is reported with the file name")


def test_lods_after_first_frame(stoa, out):
    """A first load (no cache) of the agora: the preview draws it before its
    levels of detail are made (.defer_lods, as `stoa run` does), and they
    arrive later through the same path (stoa_gfx_arrivals), made on workers:
    the frame path makes no GPU object and waits for no device for them."""
    agora = os.path.join(SRC, "scenes", "agora", "agora.glb")
    cache = os.path.join(out, "lods-cache")
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, XDG_CACHE_HOME=cache, STOA_LOG_DESKTOP="info")
    proc = subprocess.Popen([stoa, "preview", agora, "--size", "320x240", "--exit-after", "60"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines = []
    for line in proc.stdout:  # stdout and stderr in the order written
        lines.append(line)
        if "preview: ready" in line:
            screenshot(os.path.join(out, "preview_agora.png"))  # to look at
        if "levels of detail in" in line and shutil.which("xdotool"):
            wid = subprocess.run(["xdotool", "search", "--name", "Stoa preview"],
                                 capture_output=True, text=True, timeout=30).stdout.split()
            if wid:
                subprocess.run(["xdotool", "key", "--window", wid[0], "Escape"], timeout=30)
    proc.wait(timeout=120)
    log = "".join(lines)
    check(proc.returncode == 0, f"agora: preview exits 0 (got {proc.returncode}: {log.strip()[-300:]})")
    ready = next((i for i, l in enumerate(lines) if "preview: ready" in l), None)
    lods = next((i for i, l in enumerate(lines)
                 if re.search(r"agora.glb: \d+ levels of detail in, made after the first frame", l)),
                None)
    check(ready is not None and lods is not None and ready < lods,
          f"agora: the first frame is drawn before its levels of detail arrive (lines {ready}, {lods})")
    m = re.search(r"arrivals: (\d+) device-idle waits, (\d+) GPU objects made on the frame path", log)
    check(m is not None and m.group(1) == m.group(2) == "0",
          f"agora: no GPU object made and no device wait on the frame path ({m.group(0) if m else 'no report'})")


def test_missing_file(stoa, out):
    r = subprocess.run([stoa, "preview", os.path.join(out, "nope.gltf"), "--exit-after", "5"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode != 0 and "nope.gltf" in r.stderr,
          f"a missing scene is a clear error (rc {r.returncode}: {r.stderr.strip()[:200]})")


def main():
    stoa, models, out, hud_find = sys.argv[1:5]
    if not os.environ.get("DISPLAY"):
        # Its own X server: under ctest -j2 two tests start at once, and
        # xvfb-run -a alone would give both the same free display.
        os.execvp("xvfb-run", ["xvfb-run", "-a", "-n", str(100 + os.getpid() % 800), "-s", "-screen 0 1024x768x24",
                               sys.executable] + sys.argv)
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    test_window(stoa, models, out, hud_find)
    test_lods_after_first_frame(stoa, out)
    test_missing_file(stoa, out)
    print(f"{time.time() - t0:.1f} s")
    print(f"{len(PASSES)} passed, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
