#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Smoke test of `stoa bench frame` on the small heavy scene (issue 18): a few
# frames on the simulated headset, both stereo modes; the draw table has a
# row per mode whose figures are numbers, culling and levels draw fewer
# triangles than full detail (factor over 1), and no frame thread stall.
# --stream (no scene cache): the textures decode and stream in during the
# frames whatever the cache holds, so "pools 0" also covers their batches
# (made on the stream's worker, only swapped in on the frame thread).
# Textures still streaming when the run ends: its frames to the end are
# the streaming frames. Not a timing test: no figure is compared with a time.
#   test_bench_frame_heavy_cli.sh STOA SCENE
set -u
stoa=$1 scene=$2
fail=0
out=$(STOA_BENCH_FRAMES=30 STOA_XRSIM_EYE_SIZE=256x256 "$stoa" bench frame --stream "$scene" 2>&1) ||
    { echo "FAIL: bench frame exited non-zero"; fail=1; }
echo "$out"
for mode in multiview two-pass; do
    # file, stereo, frames, median, p99, max, idle 0, pools 0, pipes 0
    echo "$out" | grep -Eq "^heavy-small.glb +$mode +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +0 +0 +0$" ||
        { echo "FAIL: no timing row without stalls for $mode"; fail=1; }
    row=$(echo "$out" | grep -E "^heavy-small.glb +$mode +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9.]+x +[0-9]+/[0-9]+ +[0-9]+/[0-9]+ *$")
    [ -n "$row" ] || { echo "FAIL: no draw row for $mode"; fail=1; continue; }
    # calls draws triangles full factor hitches streaming
    echo "$row" | awk '{ if (!($5 > 0 && $6 > $5 && $3 > 0 && $3 < $4)) exit 1 }' ||
        { echo "FAIL: $mode: want 0 < triangles < full and fewer calls than draws: $row"; fail=1; }
done
# Textures held back longer than the run (each decode waits 20 s): the
# frames to the end of the run count as streaming, not none ("0/0").
out=$(STOA_TEST_DECODE_DELAY_MS=20000 STOA_BENCH_FRAMES=30 STOA_XRSIM_EYE_SIZE=256x256 \
    "$stoa" bench frame --stream "$scene" 2>&1) ||
    { echo "FAIL: bench frame (textures held back) exited non-zero"; fail=1; }
for mode in multiview two-pass; do
    echo "$out" | grep -E "^heavy-small.glb +$mode +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9.]+x " |
        awk '{ split($9, s, "/"); if (!(s[2] > 0)) exit 1 }' ||
        { echo "FAIL: $mode: no frames counted while the textures streamed:"; echo "$out"; fail=1; }
done
exit $fail
