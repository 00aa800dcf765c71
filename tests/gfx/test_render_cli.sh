#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `stoa render`: writes the PNG it names, honours --size/--camera/--time,
# and fails with a clear message on bad input. Usage: test_render_cli.sh STOA SAMPLES OUTDIR
set -u
stoa=$1 samples=$2 out=$3
mkdir -p "$out"
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
check "render Box" "$stoa" render "$samples/Box/glTF-Binary/Box.glb" --out "$out/cli-box.png" --size 96x64
grep -q "wrote $out/cli-box.png (96x64)" "$out/cli.log" || { echo "FAIL: no 'wrote' line"; fail=1; }
test -s "$out/cli-box.png" || { echo "FAIL: no PNG"; fail=1; }
check "render with --camera 1 (orthographic)" "$stoa" render "$samples/Cameras/glTF/Cameras.gltf" \
    --out "$out/cli-cameras-1.png" --size 64x64 --camera 1 --msaa 1
check "render CesiumMan at --time 1.5" "$stoa" render "$samples/CesiumMan/glTF-Binary/CesiumMan.glb" \
    --out "$out/cli-cesiumman.png" --size 96x96 --time 1.5
cmp -s "$out/cli-box.png" "$out/cli-cesiumman.png" && { echo "FAIL: identical PNGs"; fail=1; }
refuse "missing scene" "nope.glb" "$stoa" render "$samples/nope.glb" --out "$out/x.png"
refuse "bad size" "--size wants WxH" "$stoa" render "$samples/Box/glTF-Binary/Box.glb" --out "$out/x.png" --size 0x5
refuse "bad msaa" "--msaa wants" "$stoa" render "$samples/Box/glTF-Binary/Box.glb" --out "$out/x.png" --msaa 3
refuse "unknown camera" "no camera named 'nosuch'" "$stoa" render "$samples/Cameras/glTF/Cameras.gltf" --out "$out/x.png" --camera nosuch
refuse "unwritable output" "cannot write" "$stoa" render "$samples/Box/glTF-Binary/Box.glb" --out "$out/no/such/dir/x.png" --size 8x8
refuse "no --out" "usage" "$stoa" render "$samples/Box/glTF-Binary/Box.glb"
test $fail = 0 && echo "all stoa render checks passed"
exit $fail
