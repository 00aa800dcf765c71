#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Live views' benchmark (tests/hub/bench_views.mjs), two builds side by side
# at the same moment (each its own hub and headsets), so that both see the
# same machine load:
#
#   tests/hub/bench_views_pair.sh BASE_STOA NEW_STOA OUT_DIR [HEADSETS=5] [SECONDS=20] [EYE=128x128]
#
# BENCH_HZ (default 5 here), BENCH_MIN_FPS (1), BENCH_WAIT_S (90) as for
# bench_views.mjs. Writes OUT_DIR/base and OUT_DIR/new (bench-views.json,
# screenshots) and prints both summaries.
set -u
[ $# -ge 3 ] || { echo "usage: $0 BASE_STOA NEW_STOA OUT_DIR [HEADSETS] [SECONDS] [EYE]" >&2; exit 2; }
here=$(dirname "$0")
base=$1 new=$2 out=$3 n=${4:-5} secs=${5:-20} eye=${6:-128x128}
export BENCH_HZ=${BENCH_HZ:-5} BENCH_MIN_FPS=${BENCH_MIN_FPS:-1} BENCH_WAIT_S=${BENCH_WAIT_S:-90}
mkdir -p "$out"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
node "$here/bench_views.mjs" "$base" "$out/base" "$n" "$secs" "$eye" > "$out/base.log" 2>&1 &
pb=$!
node "$here/bench_views.mjs" "$new" "$out/new" "$n" "$secs" "$eye" > "$out/new.log" 2>&1 &
pn=$!
wait $pb; rb=$?
wait $pn; rn=$?
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
for w in base new; do
  echo "== $w ($( [ $w = base ] && echo "$base" || echo "$new"))"
  grep '^summary' "$out/$w.log" || tail -n 20 "$out/$w.log"
done
[ $rb -eq 0 ] && [ $rn -eq 0 ]
