#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A scene marks its own environment-only nodes (docs/ar.md): the alpha test
model's Backdrop carries `"extras": {"stoa": {"environment": true}}` in the
glTF, and the lesson lists no `environment:`. In AR (ALPHA_BLEND on xrsim)
the backdrop must be hidden exactly as when the lesson lists it: the log
says one node hidden, the camera image shows where the backdrop was, and no
backdrop blue is left. Reuses test_run_ar.py's harness (validation layers
on, xrsim's fast clock, 160x120 eyes).

usage: test_run_ar_extras.py STOA SOURCE_DIR OUT_DIR TESTMODELS"""
import glob
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_run_ar as ar  # noqa: E402


def main():
    stoa, src, out, models = sys.argv[1:5]
    marked = os.path.join(out + "-models", "alpha")
    shutil.rmtree(marked, ignore_errors=True)
    os.makedirs(marked)
    for f in glob.glob(os.path.join(models, "alpha", "*")):
        shutil.copy(f, marked)
    gltf = os.path.join(marked, "alpha.gltf")
    with open(gltf) as f:
        doc = json.load(f)
    for n in doc["nodes"]:
        if n.get("name") == "Backdrop":
            n.setdefault("extras", {})["stoa"] = {"environment": True}
    with open(gltf, "w") as f:
        json.dump(doc, f)
    ar.LESSON = ar.LESSON.replace("environment: [Backdrop]\n", "")
    assert "environment:" not in ar.LESSON
    rc, log, frames = ar.run(stoa, src, out, os.path.dirname(marked), "ar",
                             ["OPAQUE", "ALPHA_BLEND"])
    ar.check(rc == 0, "exit code 0 (got %d: %s)" % (rc, log[-300:]))
    ar.check("presentation: AR (ALPHA_BLEND)" in log, "the lesson runs in AR")
    ar.check("1 environment node(s) hidden" in log, "the glTF's marked backdrop is hidden")
    ar.check(frames, "frames captured")
    if frames:
        img = ar.load_rgb(frames[-1])
        w, h, _ = img
        print("picture: %s (%dx%d)" % (frames[-1], w, h))
        cam = ar.count_near(img, ar.CAM, 3)
        ar.check(cam > w * h // 4, "the camera image shows where the backdrop was (%d px)" % cam)
        ar.check(ar.count_near(img, (0, 0, 255), 3) == 0, "no backdrop (environment) in AR")


if __name__ == "__main__":
    main()
    print("%d failed" % len(ar.FAILS))
    sys.exit(1 if ar.FAILS else 0)
