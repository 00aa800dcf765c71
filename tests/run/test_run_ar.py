#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`stoa run --sim` in AR (docs/ar.md), with the Vulkan and OpenXR validation
layers on (any message from them fails the test). xrsim composites its
camera image (one flat colour here) behind the app's layer as a headset
would, so the captured picture shows the room where the scene is clear.

The scene is Stoa's alpha test model (tools/testmodels: an opaque red quad,
a half-cut masked green one, a half-transparent red BLEND quad, in front of
a blue backdrop) played by a lesson that marks the backdrop as environment:
hidden in AR, so the BLEND quad stands over the room and its composite tells
premultiplied alpha from straight alpha.

usage: test_run_ar.py STOA SOURCE_DIR OUT_DIR TESTMODELS CASE
CASE: alpha (ALPHA_BLEND) | additive | opaque-any | opaque-ar | fb (XR_FB_passthrough)
      | fade (a passthrough action fades the room out)
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

FAILS = []
CAM = (120, 40, 160)  # the camera's flat colour (sRGB): dark enough that ADDITIVE does not saturate red


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)


def lin(v):
    c = v / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def enc(c):
    c = min(1.0, max(0.0, c))
    e = c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
    return round(e * 255)


def load_rgb(path):
    w, h = map(int, subprocess.run(["identify", "-format", "%w %h", path], check=True,
                                   capture_output=True, text=True).stdout.split())
    raw = subprocess.run(["convert", path, "-depth", "8", "rgb:-"], check=True,
                         capture_output=True).stdout
    return w, h, raw


def count_near(img, rgb, tol):
    _, _, raw = img
    n = 0
    for i in range(0, len(raw) - 2, 3):
        if abs(raw[i] - rgb[0]) <= tol and abs(raw[i + 1] - rgb[1]) <= tol and \
                abs(raw[i + 2] - rgb[2]) <= tol:
            n += 1
    return n


LESSON = """stoa_lesson: 1
id: test.ar-alpha
title: AR alpha
languages: [en]
scene: alpha.gltf
presentation: {presentation}
environment: [Backdrop]
start: look
states:
  look:
    on_enter:
      - show_panel: {{id: note, text: "Over the room"}}
{actions}    triggers:
      - timer: 60
        goto: done
  done:
    on_enter:
      - end: completed
"""

SCRIPT = """frames: {frames}
display: {{eye_width: 160, eye_height: 120, refresh_hz: 30}}
blend_modes: [{modes}]
camera: {{color: [{cam}]}}
{extra}
head:
  - {{t: 0.0, position: [0, 0.6, 3.2]}}
"""


def run(stoa, src, out, models, presentation, modes, extra="", args=(), frames=24, xr_layer=True,
        actions=""):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for f in glob.glob(os.path.join(models, "alpha", "*")):
        shutil.copy(f, out)
    lesson = os.path.join(out, "ar.yaml")
    with open(lesson, "w") as f:
        f.write(LESSON.format(presentation=presentation, actions=actions))
    script = os.path.join(out, "script.yaml")
    with open(script, "w") as f:
        f.write(SCRIPT.format(frames=frames, modes=", ".join(modes),
                              cam=", ".join(map(str, CAM)), extra=extra))
    env = dict(os.environ, STOA_VALIDATION="1", STOA_XRSIM_SCRIPT=script, STOA_XRSIM_FAST="1",
               STOA_XRSIM_CAPTURE=os.path.join(out, "frames"), STOA_XRSIM_CAPTURE_EVERY="1000",
               STOA_XRSIM_SUMMARY=os.path.join(out, "summary.json"),
               XR_ENABLE_API_LAYERS="XR_APILAYER_LUNARG_core_validation")
    if not xr_layer:
        # Debian's OpenXR core validation layer (1.0.20) knows XR_FB_passthrough's
        # functions but not its composition layer type: it fails every such
        # xrEndFrame ("XrCompositionLayerBaseHeader has an invalid
        # XrStructureType"). Vulkan's validation stays on.
        del env["XR_ENABLE_API_LAYERS"]
    p = subprocess.run([stoa, "run", "--sim", lesson, "--traces", os.path.join(out, "traces")]
                       + list(args), env=env, capture_output=True, text=True, timeout=240)
    log = p.stdout + p.stderr
    with open(os.path.join(out, "log.txt"), "w") as f:
        f.write(log)
    bad = [l for l in log.splitlines()
           if re.search(r"(VUID-|Validation Error|Validation Warning|XR_ERROR_VALIDATION_FAILURE)",
                        l, re.I)]
    check(not bad, "no validation messages (%s)" % bad[:2])
    frames_ = sorted(glob.glob(os.path.join(out, "frames", "*.png")))
    return p.returncode, log, frames_


def frames_by_mode(out):
    """xrsim's count of submitted frames per blend mode."""
    try:
        with open(os.path.join(out, "summary.json")) as f:
            return json.load(f).get("ar", {}).get("frames_by_blend_mode", {})
    except (OSError, ValueError):
        return {}


def only_mode(out, mode):
    by = frames_by_mode(out)
    check(by.get(mode, 0) > 0 and all(v == 0 for k, v in by.items() if k != mode),
          "xrsim saw every frame in %s (%s)" % (mode, by))


def main():
    stoa, src, out, models, case = sys.argv[1:6]
    if case == "opaque-ar":
        rc, log, _ = run(stoa, src, out, models, "ar", ["OPAQUE"], extra="passthrough: false")
        check(rc != 0, "an ar lesson on an OPAQUE-only headset does not run (rc %d)" % rc)
        check("asks for AR (presentation: ar)" in log and "shows only VR" in log and "--vr" in log,
              "the message says why and what to do")
        return
    if case == "opaque-any":
        rc, log, frames = run(stoa, src, out, models, "any", ["OPAQUE"], extra="passthrough: false")
        check(rc == 0, "an `any` lesson runs on an OPAQUE-only headset (rc %d)" % rc)
        check("presentation: VR (OPAQUE)" in log, "it runs in VR")
        only_mode(out, "OPAQUE")
        check(frames, "frames captured")
        if frames:
            img = load_rgb(frames[-1])
            w, h, _ = img
            check(count_near(img, CAM, 4) == 0, "no camera image in VR")
            check(count_near(img, (0, 0, 255), 3) > w * h // 20, "the backdrop is shown in VR")
        return
    if case == "fade":
        # "Step into the painting": the room fades out, the scene's own sky
        # and its environment (the backdrop) come back.
        rc, log, frames = run(stoa, src, out, models, "ar", ["OPAQUE", "ALPHA_BLEND"],
                              extra="passthrough: false", frames=40,
                              actions="      - passthrough: {to: 0, seconds: 0.5}\n")
        check(rc == 0, "exit code 0 (got %d)" % rc)
        check("presentation: AR (ALPHA_BLEND)" in log, "the lesson runs in AR")
        check(frames, "frames captured")
        if frames:
            img = load_rgb(frames[-1])
            w, h, _ = img
            print("picture: %s" % frames[-1])
            check(count_near(img, CAM, 6) == 0, "after the fade no camera image shows")
            check(count_near(img, (0, 0, 255), 3) > w * h // 20, "the backdrop is back")
            # The sky (docs/environment.md) is drawn again once the room is
            # gone: the top rows are blue, brighter than they are red.
            _, _, raw = img
            top = [raw[i:i + 3] for i in range(0, w * 3 * max(1, h // 10), 3)]
            blue = sum(1 for p in top if p[2] > p[0] + 20 and p[2] > 80)
            check(blue > len(top) * 0.9, "the scene's sky is back (%d of %d top pixels sky blue)"
                  % (blue, len(top)))
        return
    fb = case == "fb"
    modes = {"alpha": ["OPAQUE", "ALPHA_BLEND"], "additive": ["ADDITIVE"],
             "fb": ["OPAQUE"]}[case]
    # alpha: xrsim offers XR_FB_passthrough too (its default): core ALPHA_BLEND comes first.
    extra = "passthrough: true" if fb else "" if case == "alpha" else "passthrough: false"
    rc, log, frames = run(stoa, src, out, models, "ar", modes, extra=extra, xr_layer=not fb)
    check(rc == 0, "exit code 0 (got %d: %s)" % (rc, log[-300:]))
    want = {"alpha": "presentation: AR (ALPHA_BLEND)", "additive": "presentation: AR (ADDITIVE)",
            "fb": "presentation: AR (OPAQUE + XR_FB_passthrough)"}[case]
    check(want in log, want)
    only_mode(out, {"alpha": "ALPHA_BLEND", "additive": "ADDITIVE", "fb": "OPAQUE"}[case])
    if fb:
        try:
            pt = json.load(open(os.path.join(out, "summary.json")))["ar"]["frames_with_passthrough"]
        except (OSError, ValueError, KeyError):
            pt = 0
        check(pt > 0, "the frames carried the XR_FB_passthrough layer (%d)" % pt)
    check("1 environment node(s) hidden" in log, "the backdrop is hidden over the room")
    check(frames, "frames captured")
    if not frames:
        return
    img = load_rgb(frames[-1])
    w, h, _ = img
    print("picture: %s (%dx%d)" % (frames[-1], w, h))
    c = [lin(v) for v in CAM]
    if case == "additive":
        # Black adds nothing: the room where the scene is clear; light adds.
        cam_n = count_near(img, CAM, 3)
        red = count_near(img, (255, CAM[1], CAM[2]), 4)
        half = (enc(c[0] + 0.5), CAM[1], CAM[2])
        blend = count_near(img, half, 5)
    else:
        # ALPHA_BLEND (and FB passthrough under the layer): premultiplied,
        # out = layer + (1 - a) * camera in linear light.
        cam_n = count_near(img, CAM, 3)
        red = count_near(img, (255, 0, 0), 4)
        half = (enc(0.5 + 0.5 * c[0]), enc(0.5 * c[1]), enc(0.5 * c[2]))
        blend = count_near(img, half, 5)
        straight = (enc(0.5 * 1.0 * 0.5 + 0.5 * c[0]), enc(0.5 * c[1]), enc(0.5 * c[2]))
        if straight != half:
            check(count_near(img, straight, 2) < blend // 4,
                  "no straight-alpha colour %s where the BLEND quad is" % (straight,))
    check(cam_n > w * h // 4, "the camera image shows where the scene is clear (%d px)" % cam_n)
    check(red > 200, "the opaque quad covers the room (%d px)" % red)
    check(blend > 200, "the BLEND quad over the room is %s, %s (%d px)"
          % (half, "its light added" if case == "additive" else "premultiplied", blend))
    check(count_near(img, (0, 0, 255), 3) == 0, "no backdrop (environment) in AR")


if __name__ == "__main__":
    main()
    print("%d failed" % len(FAILS))
    sys.exit(1 if FAILS else 0)
