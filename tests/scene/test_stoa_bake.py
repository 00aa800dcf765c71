#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The baked scene cache from the command line: `stoa bake` on a lesson
library (scenes/agora), `stoa render` pictures identical without the cache,
from a fresh cache file and from an existing one; a damaged cache file is
rejected with a log line and rebuilt; `stoa bench load --json` prints one
JSON object per file with the documented keys, then totals."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

stoa, models, source = sys.argv[1], sys.argv[2], sys.argv[3]
failed = 0


def check(cond, what):
    global failed
    if not cond:
        failed += 1
        print("FAIL:", what)
    else:
        print("ok  ", what)


def run(args, env=None, timeout=300):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([stoa, *args], capture_output=True, text=True, timeout=timeout, env=e)
    return p.returncode, p.stdout, p.stderr


tmp = tempfile.mkdtemp(prefix="stoa-bake-test-")
try:
    cache = os.path.join(tmp, "cache")
    # A lesson library: the agora folder (its scene and its lessons, which name it).
    rc, out, err = run(["bake", "--cache-dir", cache, os.path.join(source, "scenes/agora")])
    check(rc == 0, "stoa bake scenes/agora exits 0 (%s)" % err.strip()[-300:])
    check("1 scene baked (1 new), 0 failed" in out, "one scene baked once for the library: " + out.strip()[-200:])
    files = glob.glob(os.path.join(cache, "*.stoabake"))
    check(len(files) == 1, "one cache file: %s" % files)
    rc, out, _ = run(["bake", "--cache-dir", cache,
                      os.path.join(source, "scenes/agora/lessons/stoa-poikile.yaml")])
    check(rc == 0 and "already baked" in out, "a lesson of the library finds its scene baked")
    rc, out, err = run(["bake", "--cache-dir", cache, os.path.join(tmp, "missing.glb")])
    check(rc == 1 and "missing.glb" in err, "a missing scene fails naming it")
    rc, out, err = run(["bake", "--format", "bogus", os.path.join(models, "box/box.glb")])
    check(rc == 2 and "not auto, rgba8, bc or astc" in err, "--format bogus is refused: " + err)
    rc, out, err = run(["bake", "--cache-dir", os.path.join(tmp, "bc"), "--format", "bc",
                        os.path.join(models, "textured/textured.glb")])
    check(rc == 0 and "(textures bc," in out, "--format bc bakes for BC: " + out + err)

    # The size cap by hand: --prune counts, then trims to --max-size.
    size = os.path.getsize(files[0]) if files else 0
    rc, out, err = run(["bake", "--prune", "--cache-dir", cache])
    check(rc == 0 and "removed 0 files" in out and "1 left" in out, "--prune within the cap: " + out + err)
    rc, out, err = run(["bake", "--prune", "--cache-dir", cache, "--max-size", "lots"])
    check(rc == 2 and "not a size" in err, "--max-size lots is refused: " + err)
    rc, out, err = run(["bake", "--prune", "--cache-dir", cache, "--max-size", str(size - 1)])
    check(rc == 0 and "removed 1 file " in out and "0 left" in out and
          not glob.glob(os.path.join(cache, "*.stoabake")), "--prune over the cap removes it: " + out + err)
    rc, out, err = run(["bake", "--cache-dir", cache, "--max-size", "1K",
                        os.path.join(source, "scenes/agora/agora.glb")])
    check(rc == 0 and "more than the cache's cap" in err, "baking more than the cap warns: " + err)
    rc, out, err = run(["bake", "--cache-dir", cache, os.path.join(source, "scenes/agora/agora.glb")])
    check(rc == 0, "baked again")

    # Pictures: no cache, first load (writes), second load (maps the file),
    # equal with an RGBA8 cache file (BC: test_texfmt_render, within bounds).
    scene = os.path.join(models, "textured/textured.gltf")
    pics = []
    rgba8 = {"STOA_TEXTURE_FORMAT": "rgba8"}
    for tag, env in (("off", {"STOA_SCENE_CACHE": "off"}),
                     ("miss", dict(rgba8, STOA_SCENE_CACHE=os.path.join(tmp, "rc"))),
                     ("hit", dict(rgba8, STOA_SCENE_CACHE=os.path.join(tmp, "rc")))):
        png = os.path.join(tmp, "render-%s.png" % tag)
        rc, _, err = run(["render", scene, "--out", png, "--size", "160x120"], env)
        check(rc == 0, "render %s (%s)" % (tag, err.strip()[-300:]))
        pics.append(open(png, "rb").read() if os.path.exists(png) else b"")
    check(pics[0] and pics[0] == pics[1] == pics[2],
          "the picture is the same without the cache, on a miss and on a hit")
    # Damage the cache file and the copy of it that the scene's key memo
    # holds (a small file's: a hit reads the copy): rejected, said so, the
    # picture unchanged, rebuilt.
    cf = glob.glob(os.path.join(tmp, "rc", "*.stoabake"))
    check(len(cf) == 1, "render left one cache file")
    memos = glob.glob(os.path.join(tmp, "rc", "*.memo"))
    check(any(os.path.getsize(m) > os.path.getsize(cf[0]) for m in memos) if cf else False,
          "the key memo holds a copy of the small cache file")
    if cf:
        for f in cf + memos:
            data = bytearray(open(f, "rb").read())
            at = data.find(b"STOABAKE")  # the cache file (in a memo: its copy)
            if at >= 0 and len(data) > at + 4096 + 8:
                data[at + 4096 + 8] ^= 0xFF  # DATA's first bytes: geometry, checked at load
                open(f, "wb").write(data)
        png = os.path.join(tmp, "render-damaged.png")
        rc, _, err = run(["render", scene, "--out", png, "--size", "160x120"],
                         dict(rgba8, STOA_SCENE_CACHE=os.path.join(tmp, "rc")))
        check(rc == 0 and "rejected" in err and "checksum mismatch" in err,
              "a damaged cache file is rejected with a log line: " + err.strip()[-300:])
        check(os.path.exists(png) and open(png, "rb").read() == pics[0],
              "the picture from a rejected cache equals the fresh one")
        rc, _, err = run(["info", scene], {"STOA_SCENE_CACHE": os.path.join(tmp, "rc")})
        check(rc == 0 and "rejected" not in err, "the cache file was rebuilt")

    # bench load --json on a tiny input.
    rc, out, err = run(["bench", "load", "--repeat", "1", "--json",
                        os.path.join(models, "box/box.glb")], timeout=600)
    check(rc == 0, "bench load --json exits 0 (%s)" % err.strip()[-300:])
    lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    keys = {"assimp_ms", "first_frame_ms", "all_textures_ms", "cached_ms"}
    check(len(lines) == 3, "one object per file, the totals and the load average: %d" % len(lines))
    if len(lines) == 3:
        check(lines[0].get("file") == "box.glb" and keys <= set(lines[0]),
              "the file's object has file and %s" % sorted(keys))
        check(all(isinstance(lines[0][k], (int, float)) and lines[0][k] >= 0 for k in keys),
              "medians are numbers")
        check("total" in lines[1] and keys <= set(lines[1]), "totals")
        check("load_average" in lines[2], "load average")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("%d failed" % failed)
sys.exit(1 if failed else 0)
