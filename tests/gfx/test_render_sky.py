#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The agora and the bridge through their OverviewCameras at noon and at dusk, with the sun's
shadows high and off (`stoa render --sky --shadows`), compared with the
small reference pictures made by Stoa in tests/gfx/reference (a tolerance
for other drivers' rounding: mean difference and share of far-off pixels).
A failed comparison leaves NAME-diff.png (the difference, times 4) beside
the picture in OUT_DIR. Independent of the references it checks that the
noon sky is blue above and the dusk sky warm towards the sun, and that
shadows darken the picture where the sun is hidden.

  test_render_sky.py STOA SOURCE_DIR OUT_DIR
  STOA_UPDATE_REFERENCES=1 writes the references anew (look at them);
  STOA_UPDATE_ONLY=bridge (or agora) limits that to one scene."""
import os
import shutil
import subprocess
import sys

SIZE = (256, 144)
CASES = [("noon-high", "12:00", "high"), ("noon-off", "12:00", "off"),
         ("dusk-high", "18:00", "high"), ("dusk-off", "18:00", "off")]
SCENES = [("agora", "scenes/agora/agora.glb"), ("bridge", "scenes/bridge/bridge.glb")]
MEAN_TOLERANCE = 2.5  # mean absolute difference per channel, 0..255
FAR, FAR_SHARE = 48, 0.01  # at most 1% of pixels may differ by more than FAR


def render(stoa, scene, out, time, shadows):
    cmd = [stoa, "render", scene, "--out", out, "--camera", "OverviewCamera",
           "--size", "%dx%d" % SIZE, "--sky", time, "--shadows", shadows]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if run.returncode != 0:
        raise RuntimeError("stoa render exited %d: %s" % (run.returncode, run.stderr[-400:]))


def load(png, path):
    with open(path, "rb") as f:
        w, h, ch, px = png.decode(f.read())
    assert (w, h) == SIZE and ch >= 3, "%s: %dx%d, %d channels" % (path, w, h, ch)
    return [px[i:i + 3] for i in range(0, len(px), ch)]


def compare(png, got, want, diff_path):
    total, far, diff = 0, 0, bytearray()
    for a, b in zip(got, want):
        d = [abs(a[c] - b[c]) for c in range(3)]
        total += sum(d)
        far += max(d) > FAR
        diff += bytes(min(255, 4 * x) for x in d)
    mean = total / (3.0 * len(got))
    ok = mean <= MEAN_TOLERANCE and far <= FAR_SHARE * len(got)
    if not ok:
        with open(diff_path, "wb") as f:
            f.write(png.encode(SIZE[0], SIZE[1], bytes(diff), 3))
    return ok, mean, far


def region_mean(px, x0, y0, x1, y1):
    s = [0, 0, 0]
    n = 0
    for y in range(y0, y1):
        for x in range(x0, x1):
            for c in range(3):
                s[c] += px[y * SIZE[0] + x][c]
            n += 1
    return [v / n for v in s]


def main():
    stoa, source, out = sys.argv[1:4]
    sys.path.insert(0, os.path.join(source, "tools", "scenegen"))
    import png
    os.makedirs(out, exist_ok=True)
    refs = os.path.join(source, "tests", "gfx", "reference")
    update = os.environ.get("STOA_UPDATE_REFERENCES") == "1"
    only = os.environ.get("STOA_UPDATE_ONLY")  # e.g. "bridge": rewrite only its references
    failed = 0
    for scene_name, scene in SCENES:
        failed += check_scene(png, stoa, os.path.join(source, scene), scene_name, refs, out,
                              update and (not only or only == scene_name))
    print("%d checks failed" % failed if failed else "all sky render checks passed")
    return 1 if failed else 0


def check_scene(png, stoa, scene, scene_name, refs, out, update):
    failed = 0
    pics = {}
    for name, time, shadows in CASES:
        pic = os.path.join(out, "%s-%s.png" % (scene_name, name))
        render(stoa, scene, pic, time, shadows)
        pics[name] = load(png, pic)
        ref = os.path.join(refs, "%s-%s.png" % (scene_name, name))
        if update:
            shutil.copyfile(pic, ref)
            print("wrote %s" % ref)
            continue
        ok, mean, far = compare(png, pics[name], load(png, ref),
                                os.path.join(out, "%s-%s-diff.png" % (scene_name, name)))
        print("%s %s %s: mean difference %.2f, %d pixels far off (%s)"
              % ("ok  " if ok else "FAIL", scene_name, name, mean, far, pic))
        failed += not ok
    # The sky itself: the top rows are sky in every case.
    noon = region_mean(pics["noon-off"], 0, 0, SIZE[0], 8)
    dusk = region_mean(pics["dusk-off"], 0, 0, SIZE[0], 8)
    if not noon[2] > noon[0] + 10:
        print("FAIL %s: the noon sky is not blue above: %s" % (scene_name, noon))
        failed += 1
    # Towards the low sun (the agora's camera looks west) the dusk sky is
    # warm; anywhere it has lost the noon's blue.
    if scene_name == "agora" and not dusk[0] > dusk[2] + 10:
        print("FAIL %s: the dusk sky is not warm: %s" % (scene_name, dusk))
        failed += 1
    if not dusk[2] < noon[2] - 20:
        print("FAIL %s: the dusk sky is as blue as noon's: %s, %s" % (scene_name, dusk, noon))
        failed += 1
    # Shadows only take light away: some pixels darker, hardly any brighter.
    for t in ("noon", "dusk"):
        pairs = list(zip(pics[t + "-high"], pics[t + "-off"]))
        darker = sum(sum(a) + 24 < sum(b) for a, b in pairs)
        brighter = sum(sum(a) > sum(b) + 24 for a, b in pairs)
        print("%s %s: shadows darken %d pixels, brighten %d" % (scene_name, t, darker, brighter))
        if darker < 0.005 * len(pairs) or brighter > 0.002 * len(pairs):
            print("FAIL %s %s: not what shadows do" % (scene_name, t))
            failed += 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
