#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes Stoa's own glTF 2.0 test models and manifest.json, which says for
each model what a loader must find in it (counts, bounds, vertices,
materials, textures, cameras, lights, poses at given times) and what a
renderer must draw (pixel colours through the model's own camera), plus
the list of bad files that must be refused. Standard library only; the
same bytes on every run.

  tools/testmodels/make_testmodels.py --out build/testmodels"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gltfw  # noqa: E402
import models_anim  # noqa: E402
import models_attr  # noqa: E402
import models_bad  # noqa: E402
import models_basic  # noqa: E402
import models_scene  # noqa: E402

BUILDERS = [models_basic.box, models_basic.textured, models_basic.jpeg_model,
            models_basic.samplers, models_basic.large, models_attr.attributes, models_attr.alpha,
            models_attr.materials, models_attr.material_extensions, models_attr.normals, models_scene.nodes, models_scene.scenes,
            models_scene.texture_transform, models_scene.colonnade, models_anim.interpolation, models_anim.skin,
            models_anim.morph]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="the folder to write into")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    models = []
    for build in BUILDERS:
        models += build(out)
    refused = models_bad.bad(out) + models_bad.bad_extensions(out)
    manifest = {"generator": "tools/testmodels/make_testmodels.py", "models": models,
                "refused": refused}
    text = json.dumps(gltfw._rounded(manifest), indent=1).encode("utf-8") + b"\n"
    gltfw._write(os.path.join(out, "manifest.json"), text)
    print("make_testmodels: %d models and %d bad files in %s" % (len(models), len(refused), out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
