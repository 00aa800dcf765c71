#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs tools/scenegen/make_agora.py twice (in separate processes, with
different hash seeds) and checks that both runs give the same bytes and that
they equal the committed scenes/agora/agora.glb.

usage: check_agora_generated.py SOURCE_DIR WORK_DIR"""
import os
import subprocess
import sys


def generate(source_dir, out, seed):
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    script = os.path.join(source_dir, "tools", "scenegen", "make_agora.py")
    subprocess.run([sys.executable, script, "--out", out], check=True, env=env)
    with open(out, "rb") as f:
        return f.read()


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def main():
    source_dir, work_dir = sys.argv[1], sys.argv[2]
    os.makedirs(work_dir, exist_ok=True)
    one = generate(source_dir, os.path.join(work_dir, "agora_1.glb"), 1)
    two = generate(source_dir, os.path.join(work_dir, "agora_2.glb"), 2)
    failed = False
    if one != two:
        print("FAIL: two runs differ (%d vs %d bytes, first difference at byte %d)"
              % (len(one), len(two), first_difference(one, two)))
        failed = True
    committed_path = os.path.join(source_dir, "scenes", "agora", "agora.glb")
    with open(committed_path, "rb") as f:
        committed = f.read()
    if committed != one:
        print("FAIL: %s is not what the generator makes (%d vs %d bytes, first difference at byte %d);"
              " regenerate it with tools/scenegen/make_agora.py --out scenes/agora/agora.glb"
              % (committed_path, len(committed), len(one), first_difference(committed, one)))
        failed = True
    if not failed:
        print("ok: the generator is deterministic and agora.glb is up to date (%d bytes)" % len(one))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
