#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `stoa bench load`: by default on Stoa's generated test models, found beside
# the binary (the build folder) or through $STOA_TESTMODELS; the Khronos
# sample corpus only when it is there.
#   test_bench_load_cli.sh STOA generated OUTDIR   the generated set
#   test_bench_load_cli.sh STOA samples SAMPLES    two sample files (an extra:
#                                                  exits 77, skipped, without them)
set -u
stoa=$1 mode=$2 dir=$3
fail=0
# assimp load upload stoa ratio first ratio all cached x cached+up floor "x max"
# (floor and x max n/a for a scene with no key memo: files made in the last two seconds)
row='([0-9.]+ +){11}([0-9.]+|n/a) +([0-9.]+|n/a)$'
full='([0-9.]+ +){12}[0-9.]+$' # the floor too: the sample files are old enough for a memo
if [ "$mode" = samples ]; then
    if [ ! -f "$dir/MANIFEST.tsv" ]; then
        echo "skipped: the Khronos sample models are not at $dir (an extra: set STOA_SHARED_DIR or put ../shared beside the repository)"
        exit 77
    fi
    out=$("$stoa" bench load --repeat 1 --stages "$dir/Box/glTF-Binary/Box.glb" "$dir/Duck/glTF-Binary/Duck.glb" 2>&1) ||
        { echo "FAIL: bench load exited non-zero"; fail=1; }
    echo "$out"
    for name in Box.glb Duck.glb total; do
        echo "$out" | grep -Eq "^$name +$full" || { echo "FAIL: no timing row for $name"; fail=1; }
    done
    # --stages: where each first load went, a row per file and the total.
    echo "$out" | grep -q "^first load by stage" || { echo "FAIL: no stage table"; fail=1; }
    echo "$out" | grep -Eq "^file +key +read +json +validate .* lods +lods_bg +cache_wr .* up_end +first +up_gpu$" ||
        { echo "FAIL: stage table header"; fail=1; }
    for name in Box.glb Duck.glb total; do
        echo "$out" | grep -Eq "^$name +([0-9.]+ +){15}[0-9.]+$" ||
            { echo "FAIL: no stage row for $name"; fail=1; }
    done
    exit $fail
fi
mkdir -p "$dir"
# The variants test's folder changes while tests run: keep it out, except below.
export STOA_GLTF_VARIANTS=/nonexistent
# No STOA_TESTMODELS: testmodels/ beside the binary; no samples: generated only.
env -u STOA_TESTMODELS STOA_GLTF_SAMPLES=/nonexistent STOA_GLTF_VARIANTS=/nonexistent \
    "$stoa" bench load --repeat 1 \
    >"$dir/bench.out" 2>"$dir/bench.err" || { echo "FAIL: bench load exited non-zero"; fail=1; }
cat "$dir/bench.out" "$dir/bench.err"
grep -q "^generated test models ([0-9]* files in .*testmodels):" "$dir/bench.out" ||
    { echo "FAIL: no 'generated test models' heading"; fail=1; }
# A row for a model of each kind (.glb, .gltf with .bin and PNG, JPEG, skin) and the set's total.
for name in box.glb textured.gltf jpeg.gltf skin.glb morph.gltf 'total generated'; do
    grep -Eq "^$name +$row" "$dir/bench.out" || { echo "FAIL: no timing row for $name"; fail=1; }
done
grep -q "bad/\|Khronos sample models" "$dir/bench.out" && { echo "FAIL: refused files or samples benched"; fail=1; }
grep -q "no Khronos sample corpus" "$dir/bench.err" || { echo "FAIL: missing samples not said"; fail=1; }
grep -q "^load by stage" "$dir/bench.out" || { echo "FAIL: no stage line"; fail=1; }
# With a sample corpus present both sets are benched: a stand-in corpus of
# two generated models under a MANIFEST.tsv like the Khronos one (only rows
# Assimp can read, column 7 "yes", are taken).
fake=$dir/fake-samples
rm -rf "$fake" && mkdir -p "$fake/Box" "$fake/Skin"
cp "$(dirname "$stoa")/testmodels/box/box.glb" "$fake/Box/"
cp "$(dirname "$stoa")/testmodels/skin/skin.glb" "$fake/Skin/"
printf 'model\tvariant\tmain_file\tsize_bytes\tfeatures\tlicense\tassimp_ok\tassimp_notes\n' >"$fake/MANIFEST.tsv"
printf 'Box\tglTF-Binary\tBox/box.glb\t1\tx\tx\tyes\t\n' >>"$fake/MANIFEST.tsv"
printf 'Skin\tglTF-Binary\tSkin/skin.glb\t1\tx\tx\tno\tnot readable\n' >>"$fake/MANIFEST.tsv"
STOA_GLTF_SAMPLES=$fake "$stoa" bench load --repeat 1 >"$dir/both.out" 2>&1 ||
    { echo "FAIL: bench load with a corpus exited non-zero"; cat "$dir/both.out"; fail=1; }
grep -q "^Khronos sample models (1 files in $fake):" "$dir/both.out" ||
    { echo "FAIL: the corpus is not benched after the generated set:"; cat "$dir/both.out"; fail=1; }
for name in 'total generated' 'total samples'; do
    grep -Eq "^$name +$row" "$dir/both.out" || { echo "FAIL: no '$name' row"; fail=1; }
done
STOA_GLTF_SAMPLES=$fake "$stoa" bench load --repeat 1 --samples >"$dir/samples.out" 2>&1 ||
    { echo "FAIL: bench load --samples exited non-zero"; fail=1; }
grep -q "generated test models" "$dir/samples.out" && { echo "FAIL: --samples benched the generated set"; fail=1; }
grep -Eq "^box.glb +$row" "$dir/samples.out" || { echo "FAIL: --samples: no box.glb row"; fail=1; }
# $STOA_TESTMODELS wins, and a wrong one is a clear error.
if STOA_TESTMODELS=/nonexistent/tm "$stoa" bench load --repeat 1 --generated >"$dir/bad.out" 2>&1; then
    echo "FAIL: a missing STOA_TESTMODELS folder succeeded"; fail=1
fi
grep -q "no generated test models at /nonexistent/tm" "$dir/bad.out" ||
    { echo "FAIL: no clear error:"; cat "$dir/bad.out"; fail=1; }
# Compressed variants (what test_gltf_variants leaves) come as a third table;
# one that cannot be loaded is skipped with a note, not fatal. A generated
# set of one model from here on (the whole set is benched above).
mkdir -p "$dir/variants" "$dir/tm-one"
cp "$(dirname "$stoa")/testmodels/box/box.glb" "$dir/variants/box-copy.glb"
printf 'not a glb' >"$dir/variants/broken.glb"
cp "$(dirname "$stoa")/testmodels/box/box.glb" "$dir/tm-one/"
printf '{"models": [{"file": "box.glb"}]}\n' >"$dir/tm-one/manifest.json"
STOA_TESTMODELS=$dir/tm-one STOA_GLTF_VARIANTS=$dir/variants "$stoa" bench load --repeat 1 --generated >"$dir/var.out" 2>&1 ||
    { echo "FAIL: bench load with variants exited non-zero"; cat "$dir/var.out"; fail=1; }
grep -q "^their compressed variants (2 files in" "$dir/var.out" &&
    grep -q "^box-copy.glb " "$dir/var.out" && grep -q "skipped.*broken.glb" "$dir/var.out" ||
    { echo "FAIL: no variants table, or the broken file not skipped"; cat "$dir/var.out"; fail=1; }
# --json: every line of stdout is one JSON object (docs/performance.md,
# Commands): a row per file with the documented keys, a total per set, the
# load average last; notes (a skipped variant) go to stderr. One small model
# per set, a file name with a tab among the variants.
cp "$dir/variants/box-copy.glb" "$dir/variants/$(printf 'tab\tname.glb')"
STOA_TESTMODELS=$dir/tm-one STOA_GLTF_VARIANTS=$dir/variants STOA_GLTF_SAMPLES=$fake \
    "$stoa" bench load --repeat 1 --json >"$dir/json.out" 2>"$dir/json.err" ||
    { echo "FAIL: bench load --json exited non-zero"; cat "$dir/json.err"; fail=1; }
python3 - "$dir/json.out" <<'PY' || { echo "FAIL: --json output:"; cat "$dir/json.out"; fail=1; }
import json, sys
keys = ["assimp_ms", "load_ms", "upload_ms", "first_frame_ms", "all_textures_ms", "cached_ms", "cached_upload_ms",
        "hit_floor_ms", "hit_floor_calls"]
lines = open(sys.argv[1]).read().splitlines()
rows = [json.loads(l) for l in lines]  # a line that is not JSON fails here
files = [r["file"] for r in rows if "file" in r]
totals = [r["total"] for r in rows if "total" in r]
for r in rows[:-1]:
    assert sorted(r) == sorted(keys + (["file"] if "file" in r else ["total"])), r
    assert all(isinstance(r[k], (int, float)) for k in keys), r
assert files == ["box.glb", "box-copy.glb", "tab\tname.glb", "box.glb"], files
assert totals == ["total generated", "total variants", "total samples"], totals
assert list(rows[-1]) == ["load_average"], rows[-1]
PY
grep -q "skipped.*broken.glb" "$dir/json.err" || { echo "FAIL: --json: the skipped variant not said on stderr"; fail=1; }
rm -f "$dir/variants/$(printf 'tab\tname.glb')"
if "$stoa" bench load --frobnicate >"$dir/bad.out" 2>&1; then echo "FAIL: unknown option accepted"; fail=1; fi
grep -q "unknown option --frobnicate" "$dir/bad.out" || { echo "FAIL: unknown option not named"; fail=1; }
test $fail = 0 && echo "all stoa bench load checks passed"
exit $fail
