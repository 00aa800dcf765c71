#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""assets/controllers/controllers.glb is what tools/scenegen/make_controllers.py
makes (deterministic, byte for byte), names its parts MODEL.PART, and puts
each model's pointer tip at the origin with the body behind it (+Z), so
that the laser starts at the tip.

  check_controllers_generated.py SOURCE_DIR OUT_DIR"""
import json
import os
import struct
import subprocess
import sys


def main():
    src, out = sys.argv[1:3]
    os.makedirs(out, exist_ok=True)
    made = os.path.join(out, "controllers.glb")
    subprocess.run([sys.executable, os.path.join(src, "tools", "scenegen", "make_controllers.py"),
                    made], check=True, capture_output=True, timeout=120)
    committed = os.path.join(src, "assets", "controllers", "controllers.glb")
    failed = 0
    with open(made, "rb") as a, open(committed, "rb") as b:
        data = a.read()
        if data != b.read():
            print("FAIL %s differs from what the generator makes (%s): run "
                  "tools/scenegen/make_controllers.py %s" % (committed, made, committed))
            failed += 1
    if len(data) > 64 * 1024:
        print("FAIL the models take %d bytes (keep them under 64 KiB)" % len(data))
        failed += 1
    n = struct.unpack("<I", data[12:16])[0]
    doc = json.loads(data[20:20 + n])
    names = sorted(m["name"] for m in doc["meshes"])
    want = sorted(["controller.body", "controller.trigger", "controller.grip", "controller.stick",
                   "simple.body", "simple.trigger", "hand.body", "hand.trigger", "hand.grip"])
    if names != want:
        print("FAIL parts %s, want %s" % (names, want))
        failed += 1
    for m in doc["meshes"]:
        acc = doc["accessors"][m["primitives"][0]["attributes"]["POSITION"]]
        if m["name"] in ("controller.body", "simple.body") and abs(acc["min"][2]) > 1e-3:
            print("FAIL %s starts at z %.4f, not at the tip (0)" % (m["name"], acc["min"][2]))
            failed += 1
        if max(abs(v) for v in acc["min"] + acc["max"]) > 0.25:
            print("FAIL %s is larger than a hand" % m["name"])
            failed += 1
    print("%d checks failed" % failed if failed else "controllers.glb is the generator's, %d bytes"
          % len(data))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
