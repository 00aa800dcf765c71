#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `stoa render`: writes the PNG it names, honours --size/--camera/--time,
# and fails with a clear message on bad input, on Stoa's generated test
# models. Usage: test_render_cli.sh STOA TESTMODELS OUTDIR
set -u
stoa=$1 models=$2 out=$3
mkdir -p "$out"
# Pictures are compared byte for byte across loads, the first of which may
# import and the next map the cache file: RGBA8 cache files keep them equal
# (BC and ASTC ones are compared within bounds by test_texfmt_render).
export STOA_TEXTURE_FORMAT=rgba8
fail=0
check() { # description, then the command; prints the log on failure
    desc=$1; shift
    if ! "$@" >"$out/cli.log" 2>&1; then echo "FAIL: $desc"; cat "$out/cli.log"; fail=1; fi
}
refuse() { # description, expected message, then the command that must fail
    desc=$1 msg=$2; shift 2
    if "$@" >"$out/cli.log" 2>&1; then echo "FAIL: $desc: succeeded"; fail=1; fi
    grep -q -- "$msg" "$out/cli.log" || { echo "FAIL: $desc: no '$msg' in:"; cat "$out/cli.log"; fail=1; }
}
check "render box.glb" "$stoa" render "$models/box/box.glb" --out "$out/cli-box.png" --size 96x64
grep -q "wrote $out/cli-box.png (96x64)" "$out/cli.log" || { echo "FAIL: no 'wrote' line"; fail=1; }
test -s "$out/cli-box.png" || { echo "FAIL: no PNG"; fail=1; }
# textured.glb's one camera, "Check", is orthographic and frames the cube
# (test_render_generated checks its pixels); by index and by name.
check "render with --camera 0 (orthographic)" "$stoa" render "$models/textured/textured.glb" \
    --out "$out/cli-camera-0.png" --size 64x48 --camera 0 --msaa 1
check "render with --camera Check (by name)" "$stoa" render "$models/textured/textured.glb" \
    --out "$out/cli-camera-check.png" --size 64x48 --camera Check --msaa 1
cmp -s "$out/cli-camera-0.png" "$out/cli-camera-check.png" || { echo "FAIL: camera 0 is not Check"; fail=1; }
# nodes.gltf's cameras: 0 "Persp", 1 "Ortho", 2 "Infinite" (an infinite far plane).
check "render with --camera 1 of 3" "$stoa" render "$models/nodes/nodes.gltf" \
    --out "$out/cli-nodes-1.png" --size 64x64 --camera 1 --msaa 1
check "render with --camera Ortho" "$stoa" render "$models/nodes/nodes.gltf" \
    --out "$out/cli-nodes-ortho.png" --size 64x64 --camera Ortho --msaa 1
check "render with --camera Persp" "$stoa" render "$models/nodes/nodes.gltf" \
    --out "$out/cli-nodes-persp.png" --size 64x64 --camera Persp --msaa 1
check "render with --camera Infinite" "$stoa" render "$models/nodes/nodes.gltf" \
    --out "$out/cli-nodes-infinite.png" --size 64x64 --camera Infinite --msaa 1
cmp -s "$out/cli-nodes-1.png" "$out/cli-nodes-ortho.png" || { echo "FAIL: camera 1 is not Ortho"; fail=1; }
cmp -s "$out/cli-nodes-1.png" "$out/cli-nodes-persp.png" && { echo "FAIL: Ortho and Persp give one picture"; fail=1; }
# skin.glb's animation "Bend" bends the bar over 1 s: --time must change the picture.
check "render skin.glb at --time 0" "$stoa" render "$models/skin/skin.glb" \
    --out "$out/cli-skin-t0.png" --size 96x96 --camera Check --time 0
check "render skin.glb at --time 1" "$stoa" render "$models/skin/skin.glb" \
    --out "$out/cli-skin-t1.png" --size 96x96 --camera Check --time 1
cmp -s "$out/cli-skin-t0.png" "$out/cli-skin-t1.png" && { echo "FAIL: --time changed nothing"; fail=1; }
cmp -s "$out/cli-box.png" "$out/cli-skin-t1.png" && { echo "FAIL: identical PNGs"; fail=1; }
refuse "missing scene" "nope.glb" "$stoa" render "$models/nope.glb" --out "$out/x.png"
refuse "bad size" "--size wants WxH" "$stoa" render "$models/box/box.glb" --out "$out/x.png" --size 0x5
refuse "bad msaa" "--msaa wants" "$stoa" render "$models/box/box.glb" --out "$out/x.png" --msaa 3
refuse "unknown camera" "no camera named 'nosuch'" "$stoa" render "$models/nodes/nodes.gltf" --out "$out/x.png" --camera nosuch
refuse "unwritable output" "cannot write" "$stoa" render "$models/box/box.glb" --out "$out/no/such/dir/x.png" --size 8x8
refuse "no --out" "usage" "$stoa" render "$models/box/box.glb"
test $fail = 0 && echo "all stoa render checks passed"
exit $fail
