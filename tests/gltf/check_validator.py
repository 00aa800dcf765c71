#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The Khronos glTF-Validator over every glTF file Stoa makes or ships:
each generated test model and each scene under scenes/ has no error (and
only the warnings its manifest entry names); each bad file in the manifest
has at least one error, so it is refused by the validator as well as by
Stoa (tests/scene/test_scene_generated.c checks Stoa's side).

  check_validator.py TESTMODELS_DIR SOURCE_DIR"""
import glob
import json
import os
import shutil
import subprocess
import sys

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    models_dir, source = sys.argv[1], sys.argv[2]
    node = shutil.which("node") or shutil.which("nodejs")
    if not node or not os.path.isdir(os.path.join(HERE, "node_modules", "gltf-validator")):
        print("skipped: the glTF-Validator is not installed (node and `npm ci` in tests/gltf; "
              "tools/setup does both)")
        return SKIP
    with open(os.path.join(models_dir, "manifest.json")) as f:
        manifest = json.load(f)
    allowed = {}
    for m in manifest["models"]:
        allowed[os.path.join(models_dir, m["file"])] = set(m["expect"].get("validator_warnings", []))
    shipped = sorted(glob.glob(os.path.join(source, "scenes", "**", "*.gl*"), recursive=True))
    shipped = [p for p in shipped if p.endswith((".gltf", ".glb"))]
    bad = [os.path.join(models_dir, b["file"]) for b in manifest["refused"]]
    files = list(allowed) + shipped + bad
    out = subprocess.run([node, os.path.join(HERE, "validate.js")] + files, capture_output=True,
                         text=True, timeout=300)
    reports = {}
    for line in out.stdout.splitlines():
        r = json.loads(line)
        reports[r["file"]] = r
    failures = 0
    for path in files:
        r = reports.get(path)
        name = os.path.relpath(path, models_dir if path.startswith(models_dir) else source)
        if r is None:
            print("FAIL %s: no report (%s)" % (name, out.stderr.strip()[-300:]))
            failures += 1
            continue
        if path in bad:
            ok = r["errors"] > 0
            print("%s %-40s refused: %s" % ("ok  " if ok else "FAIL", name,
                                            ", ".join(sorted(r["codes"])) or "no error"))
        else:
            extra = set(r["codes"]) - allowed.get(path, set())
            ok = r["errors"] == 0 and (path in shipped or not extra)
            print("%s %-40s %d errors, %d warnings%s" % (
                "ok  " if ok else "FAIL", name, r["errors"], r["warnings"],
                "" if ok else ": " + "; ".join(r["first"])))
        failures += not ok
    print("%d passed, %d failed" % (len(files) - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
