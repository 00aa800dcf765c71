#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes Stoa's sample scene, a stoa on an ancient Greek agora, as glTF 2.0
binary. Standard library only; the output is the same bytes on every run.

  tools/scenegen/make_agora.py --out scenes/agora/agora.glb
  tools/scenegen/make_agora.py --out /tmp/agora.glb --preview /tmp/views

--preview DIR also renders the written file (read back from disk) with a
small software rasteriser: top.png and front.png (orthographic), overview.png
(through OverviewCamera) and spawn.png (from Spawn at eye height)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import agora  # noqa: E402
import gltf  # noqa: E402


def previews(args):
    if args.preview:
        import preview
        for path in preview.render_all(args.out, args.preview):
            print("make_agora: preview %s" % path)


if __name__ == "__main__":
    sys.exit(gltf.write_scene_main(
        __doc__, agora.build, "make_agora", after=previews,
        extra_args=lambda ap: ap.add_argument("--preview", metavar="DIR",
                                              help="also render preview PNGs into DIR")))
