#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""glTF as real tools write it. Stoa's generated test models are put through
the optimisers authors use — Debian's gltfpack (quantized; meshopt) and
glTF Transform's CLI (quantize, meshopt, draco, webp, instance) — and every
variant must load without a warning about an unsupported extension and
render within a small tolerance of the original, through the same camera
(plus the generator's own pixel checks). The variants then seed the scene
fuzz harness (meshopt streams, quantized data, WebP images), and stay in
OUT_DIR for `stoa bench load`.

  test_gltf_variants.py STOA FUZZ_REPLAY TESTMODELS_DIR OUT_DIR

With STOA_VARIANTS_LOAD_ONLY=1 (the sanitizer job) the variants are loaded
and fuzzed but not drawn: the decoders run under ASan without a picture per
variant through an instrumented lavapipe."""
import json
import os
import shutil
import struct
import subprocess
import sys

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "scenegen"))
import png  # noqa: E402

# (tool, variant, extension the output must use, models it applies to or None for all)
# Which models go through which tool (None: every model with a picture).
# gltfpack 0.18 drops KHR_texture_transform.texCoord (it rewrites UVs into
# set 0), so the texCoord model goes through glTF Transform only. WebP:
# models whose textures survive lossy 4:2:0 coding (not 2-texel ones).
ALL_BUT_TEXCOORD = {"textured/textured.gltf", "jpeg/jpeg.gltf", "samplers/samplers.gltf",
                    "attributes/attributes.gltf", "alpha/alpha.gltf", "transform/transform.gltf",
                    "colonnade/colonnade.gltf"}
SOME = {"textured/textured.gltf", "attributes/attributes.gltf", "alpha/alpha.gltf",
        "texcoord/texcoord.gltf", "colonnade/colonnade.gltf"}
VARIANTS = [
    ("gltfpack", "gltfpack-quantized", "KHR_mesh_quantization", ALL_BUT_TEXCOORD),
    ("gltfpack", "gltfpack-meshopt", "EXT_meshopt_compression", ALL_BUT_TEXCOORD),
    ("gltf-transform", "quantize", "KHR_mesh_quantization", SOME),
    ("gltf-transform", "meshopt", "EXT_meshopt_compression", SOME),
    ("gltf-transform", "draco", "KHR_draco_mesh_compression", SOME),
    ("gltf-transform", "webp", "EXT_texture_webp",
     {"textured/textured.gltf", "jpeg/jpeg.gltf"}),
    ("gltf-transform", "instance", "EXT_mesh_gpu_instancing", {"colonnade/colonnade.gltf"}),
]


def command(tool, variant, exe, src, dst):
    if tool == "gltfpack":
        # -kn keeps named nodes and cameras; -c adds meshopt compression.
        return [exe, "-i", src, "-o", dst, "-kn"] + (["-c"] if variant.endswith("meshopt") else [])
    return [exe, variant, src, dst]


def glb_json(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<I", data[12:16])[0]
    return json.loads(data[20:20 + n])


def render(stoa, path, r, out):
    run = subprocess.run([stoa, "render", path, "--out", out, "--camera", "0",
                          "--size", "%dx%d" % tuple(r["size"]), "--time", str(r["time"]),
                          # the manifest's expected colours read the clear colour, not a sky
                          "--sky", "off"],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        return None, run.stderr.strip()[-300:]
    with open(out, "rb") as f:
        return png.decode(f.read()), None


def compare(a, b):
    """Share of pixels differing by more than 40 in some channel."""
    (w, h, ca, pa), (_, _, cb, pb) = a, b
    bad = 0
    for i in range(w * h):
        if any(abs(pa[i * ca + k] - pb[i * cb + k]) > 40 for k in range(3)):
            bad += 1
    return bad / (w * h)


def main():
    stoa, replay, models, out = sys.argv[1:5]
    load_only = os.environ.get("STOA_VARIANTS_LOAD_ONLY") == "1"
    exes = {"gltfpack": shutil.which("gltfpack"),
            "gltf-transform": os.path.join(HERE, "node_modules", ".bin", "gltf-transform")}
    if not exes["gltfpack"] or not os.path.exists(exes["gltf-transform"]):
        print("skipped: gltfpack (Debian) or glTF Transform (`npm ci` in tests/gltf) is not "
              "installed; tools/setup installs both")
        return SKIP
    # Start clean: `stoa bench load` benches whatever .glb is left here.
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(models, "manifest.json")) as f:
        manifest = json.load(f)
    subjects = [m for m in manifest["models"] if m["expect"].get("render")
                and not m["file"].endswith(".glb")]
    passed = failed = 0
    seeds = []
    for m in subjects:
        src = os.path.join(models, m["file"])
        stem = m["file"].split("/")[0]
        originals = []
        for k, r in enumerate([] if load_only else m["expect"]["render"]):
            img, why = render(stoa, src, r, os.path.join(out, "%s-original-%d.png" % (stem, k)))
            originals.append(img)
        for tool, variant, ext, only in VARIANTS:
            if m["file"] not in only:
                continue
            name = "%s-%s" % (stem, variant)
            dst = os.path.join(out, name + ".glb")
            run = subprocess.run(command(tool, variant, exes[tool], src, dst), capture_output=True,
                                 text=True, timeout=300)
            problems = []
            if run.returncode != 0 or not os.path.exists(dst):
                problems.append("%s failed: %s" % (tool, (run.stderr or run.stdout).strip()[-300:]))
            else:
                used = glb_json(dst).get("extensionsUsed", [])
                if ext not in used:
                    problems.append("%s wrote no %s (uses %s)" % (tool, ext, used))
                info = subprocess.run([stoa, "info", dst, "--json"], capture_output=True, text=True,
                                      timeout=60)
                if info.returncode != 0:
                    problems.append("stoa info: " + info.stderr.strip()[-300:])
                else:
                    for w in json.loads(info.stdout)["warnings"]:
                        if "not supported" in w or "magenta" in w or "approximat" in w:
                            problems.append("warning: " + w)
                for k, r in enumerate([] if load_only else m["expect"]["render"]):
                    img, why = render(stoa, dst, r, os.path.join(out, "%s-%d.png" % (name, k)))
                    if img is None:
                        problems.append("stoa render: " + why)
                        continue
                    share = compare(originals[k], img) if originals[k] else 1.0
                    # Lossy WebP moves colours at texel edges a little further.
                    if share > (0.04 if variant == "webp" else 0.02):
                        problems.append("picture %d: %.1f%% of pixels differ from the original"
                                        % (k, 100 * share))
                    w, h, ch, px = img
                    for x, y, cr, cg, cb, tol, what in r["pixels"]:
                        got = px[(y * w + x) * ch:(y * w + x) * ch + 3]
                        if any(abs(a - b) > tol + 8 for a, b in zip(got, (cr, cg, cb))):
                            problems.append("%s at %d,%d: %s, want %s" % (what, x, y, tuple(got),
                                                                           (cr, cg, cb)))
                seeds.append(dst)
            if problems:
                failed += 1
                print("FAIL %s\n  %s" % (name, "\n  ".join(problems)))
            else:
                passed += 1
                print("ok   %s (%s, %d bytes)" % (name, ext, os.path.getsize(dst)))
    # The decoders of the extensions under the fuzz harness's mutations.
    fuzz = [s for s in seeds if any(k in s for k in ("meshopt", "webp", "draco", "quantiz"))][:14]
    run = subprocess.run([replay, "--mutate", "40"] + fuzz, capture_output=True, text=True,
                         timeout=600)
    if run.returncode != 0:
        failed += 1
        print("FAIL fuzz replay over %d variants:\n%s" % (len(fuzz), run.stdout[-1500:] + run.stderr[-1500:]))
    else:
        passed += 1
        print("ok   fuzz replay: %d variants, 40 mutations each" % len(fuzz))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed < 10 else 0


if __name__ == "__main__":
    sys.exit(main())
