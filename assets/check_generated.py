#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The shared assets are what their scripts make (assets/README.md): the
icons always, the sounds when sox is installed (without it that half is
skipped with a message). Also checks the sounds are short and quiet.

usage: check_generated.py SOURCE_DIR WORK_DIR"""
import glob
import os
import shutil
import subprocess
import sys
import wave
import struct


def same(a_dir, b_dir, pattern):
    bad = []
    names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(a_dir, pattern)))
    for n in names:
        other = os.path.join(b_dir, n)
        if not os.path.exists(other) or open(os.path.join(a_dir, n), "rb").read() != open(other, "rb").read():
            bad.append(n)
    return names, bad


def main():
    src, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    fails = []
    icons = os.path.join(src, "assets", "icons")
    subprocess.run([sys.executable, os.path.join(icons, "make_icons.py"), os.path.join(work, "icons")],
                   check=True, stdout=subprocess.DEVNULL)
    names, bad = same(icons, os.path.join(work, "icons"), "*.png")
    want = ["hand.png", "pause.png", "play.png", "right.png", "wrong.png"]
    if names != want:
        fails.append("icons: %s, not %s" % (names, want))
    fails += ["icons/%s differs from what make_icons.py draws" % n for n in bad]
    sounds = os.path.join(src, "assets", "sounds")
    names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(sounds, "*.wav")))
    want = ["hover.wav", "message.wav", "panel.wav", "right.wav", "select.wav", "wrong.wav"]
    if names != want:
        fails.append("sounds: %s, not %s" % (names, want))
    for n in names:
        with wave.open(os.path.join(sounds, n)) as w:
            frames = w.readframes(w.getnframes())
            secs = w.getnframes() / w.getframerate()
            peak = max(abs(v) for v in struct.unpack("<%dh" % (len(frames) // 2), frames)) / 32768
            if w.getnchannels() != 1 or secs > 0.5 or not (0.01 < peak <= 0.2):
                fails.append("sounds/%s: %d channels, %.2f s, peak %.3f (want mono, <= 0.5 s, quiet)"
                             % (n, w.getnchannels(), secs, peak))
    if shutil.which("sox"):
        subprocess.run(["bash", os.path.join(sounds, "make.sh"), os.path.join(work, "sounds")], check=True,
                       stdout=subprocess.DEVNULL)
        _, bad = same(sounds, os.path.join(work, "sounds"), "*.wav")
        fails += ["sounds/%s differs from what make.sh makes" % n for n in bad]
    else:
        print("skip: sox is not installed, the sounds' recipe was not rerun (tools/setup installs it)")
    for f in fails:
        print("FAIL: " + f)
    if not fails:
        print("ok: the icons and the sounds are what their scripts make")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
