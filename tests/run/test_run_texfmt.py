#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`stoa run` bakes its first lesson's scene for the headset's texture
format, although that scene loads before the headset's Vulkan device
exists (stoa_gfx_probe_texture_target asks the physical device first).
lavapipe is a CPU device, for which "auto" is RGBA8 (sampling blocks is
slower there); STOA_GFX_TEXTURE_COMPRESSION=on makes it bake BC like a GPU,
which is what this test checks, and that without it the file is RGBA8.

A one-state lesson on a textured scene, run under `stoa run --sim` (fast
clock, 64 px eyes, 10 frames) with an empty scene cache; then `stoa bake
--format bc` of the same lesson into that cache must find the file already
baked ("already baked", no second file): the run wrote the BC file, not an
RGBA8 one (lavapipe samples BC7); the same for `stoa info`. With STOA_TEXTURE_FORMAT=rgba8 the same
run writes a file that `--format bc` does not find (the check can fail).

usage: test_run_texfmt.py STOA TEXTURED_GLB OUT_DIR"""
import glob
import os
import shutil
import subprocess
import sys

LESSON = """stoa_lesson: 1
id: test.texfmt
title: {en: Texture formats}
languages: [en]
scene: textured.glb
start: only
states:
  only:
    title: {en: Only}
    on_enter:
      - end: {pass_score: 0}
"""
SCRIPT = """frames: 10
display: {eye_width: 64, eye_height: 64, refresh_hz: 10}
head:
  - {t: 0.0, position: [0, 1.7, 2]}
"""
FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)


def run_and_bake(stoa, out, env_extra):
    cache = os.path.join(out, "cache")
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, STOA_XRSIM_FAST="1", STOA_AUDIO_SILENT="1", STOA_LOG="info",
               STOA_XRSIM_SCRIPT=os.path.join(out, "script.yaml"), STOA_SCENE_CACHE=cache)
    env.pop("STOA_TEXTURE_FORMAT", None)
    env.update(env_extra)
    lesson = os.path.join(out, "lesson.yaml")
    r = subprocess.run([stoa, "run", "--sim", lesson, "--traces", os.path.join(out, "traces")],
                       env=env, cwd=out, capture_output=True, text=True, timeout=240)
    if r.returncode != 0:
        print(r.stdout[-3000:] + r.stderr[-3000:])
    check(r.returncode == 0, f"stoa run --sim {env_extra} exits 0")
    files = glob.glob(os.path.join(cache, "*.stoabake"))
    check(len(files) == 1, f"one cache file after the run ({files})")
    env.pop("STOA_TEXTURE_FORMAT", None)
    b = subprocess.run([stoa, "bake", "--format", "bc", lesson], env=env, capture_output=True,
                       text=True, timeout=240)
    print(b.stdout.strip())
    return b, glob.glob(os.path.join(cache, "*.stoabake"))


def main():
    stoa, model, out = sys.argv[1:4]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    shutil.copy(model, os.path.join(out, "textured.glb"))
    open(os.path.join(out, "lesson.yaml"), "w").write(LESSON)
    open(os.path.join(out, "script.yaml"), "w").write(SCRIPT)

    b, files = run_and_bake(stoa, out, {"STOA_GFX_TEXTURE_COMPRESSION": "on"})
    check(b.returncode == 0 and "already baked" in b.stdout and "textures bc" in b.stdout,
          "the run's file is the BC one: `stoa bake --format bc` finds it already baked")
    check(len(files) == 1, "and writes no second file")

    for extra in ({"STOA_GFX_TEXTURE_COMPRESSION": "on", "STOA_TEXTURE_FORMAT": "rgba8"}, {}):
        b, files = run_and_bake(stoa, out, extra)
        check(b.returncode == 0 and "already baked" not in b.stdout and len(files) == 2,
              f"{extra}: the run bakes RGBA8 (`stoa bake --format bc` bakes another file)")
    # `stoa info` loads with no device at all: the same probe.
    cache = os.path.join(out, "cache-info")
    env = dict(os.environ, STOA_SCENE_CACHE=cache, STOA_LOG="info",
               STOA_GFX_TEXTURE_COMPRESSION="on")
    env.pop("STOA_TEXTURE_FORMAT", None)
    scene = os.path.join(out, "textured.glb")
    i = subprocess.run([stoa, "info", scene], env=env, capture_output=True, text=True, timeout=240)
    b = subprocess.run([stoa, "bake", "--format", "bc", scene], env=env, capture_output=True,
                       text=True, timeout=240)
    print(b.stdout.strip())
    check(i.returncode == 0 and "already baked" in b.stdout,
          "`stoa info` wrote the BC file too")
    print(f"{len(FAILS)} failed")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
