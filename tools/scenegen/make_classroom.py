#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the fire extinguisher classroom scene (scenes/classroom) as glTF 2.0 binary.
Standard library only; the output is the same bytes on every run.

  tools/scenegen/make_classroom.py --out scenes/classroom/classroom.glb

Pictures: `stoa render scenes/classroom/classroom.glb --camera OverviewCamera`."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import classroom  # noqa: E402
import gltf  # noqa: E402

if __name__ == "__main__":
    sys.exit(gltf.write_scene_main(__doc__, classroom.build, "make_classroom"))
