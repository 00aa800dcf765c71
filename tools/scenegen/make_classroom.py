#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the fire extinguisher classroom scene (scenes/classroom) as glTF 2.0 binary.
Standard library only; the output is the same bytes on every run.

  tools/scenegen/make_classroom.py --out scenes/classroom/classroom.glb

Pictures: `stoa render scenes/classroom/classroom.glb --camera OverviewCamera`."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import classroom  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="the .glb to write")
    args = ap.parse_args()
    data = classroom.build()
    folder = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(folder, exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)  # never leave a half-written scene behind
    print("make_classroom: wrote %s (%d bytes)" % (args.out, len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
