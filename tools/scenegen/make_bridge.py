#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the Zhaozhou Bridge scene (scenes/bridge) as glTF 2.0 binary.
Standard library only; the output is the same bytes on every run.

  tools/scenegen/make_bridge.py --out scenes/bridge/bridge.glb

Pictures: `stoa render scenes/bridge/bridge.glb --camera OverviewCamera`."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bridge  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="the .glb to write")
    args = ap.parse_args()
    data = bridge.build()
    folder = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(folder, exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)  # never leave a half-written scene behind
    print("make_bridge: wrote %s (%d bytes)" % (args.out, len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
