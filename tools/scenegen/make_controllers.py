#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes assets/controllers/controllers.glb (tools/scenegen/controllers.py).

  make_controllers.py OUT.glb"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import controllers  # noqa: E402


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    data = controllers.build()
    with open(sys.argv[1], "wb") as f:
        f.write(data)
    print("wrote %s (%d bytes)" % (sys.argv[1], len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
