#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The interface sounds, made with sox from the recipes below (nothing
# recorded, nothing copied): short (0.06-0.35 s), quiet (peaks -16 dBFS or
# lower), mono 16-bit 48 kHz WAV, faded in and out so they never click.
#
#   assets/sounds/make.sh [OUT_DIR]       (default: assets/sounds)
#
# The WAVs are committed (about 100 KB in all); the test assets_sounds_made
# regenerates them and checks they are the same bytes (sox's output is
# deterministic without dither: -D).
set -euo pipefail
out="${1:-$(cd "$(dirname "$0")" && pwd)}"
command -v sox >/dev/null || { echo "make.sh: sox missing (run tools/setup)" >&2; exit 1; }
mkdir -p "$out"
fmt=(-D -r 48000 -b 16 -c 1 -e signed-integer)
make() { # name, then sox synth arguments and effects
  local name=$1; shift
  sox -n "${fmt[@]}" "$out/$name.wav" "$@"
}
# select: a soft click-tick, 60 ms (a pluck at 1.4 kHz)
make select synth 0.06 pluck 1400 fade q 0.002 0.06 0.04 gain -18
# hover: a faint, higher tick, 40 ms
make hover synth 0.04 sine 2200 fade q 0.005 0.04 0.03 gain -26
# right: two rising tones (C6 then G6), 0.3 s
sox -n "${fmt[@]}" "$out/right_a.wav" synth 0.12 sine 1046.5 fade q 0.005 0.12 0.06
sox -n "${fmt[@]}" "$out/right_b.wav" synth 0.18 sine 1568 fade q 0.005 0.18 0.12
sox "$out/right_a.wav" "$out/right_b.wav" "${fmt[@]}" "$out/right.wav" gain -16
# wrong: two low falling tones (A3 then F3), square-ish but soft, 0.35 s
sox -n "${fmt[@]}" "$out/wrong_a.wav" synth 0.15 triangle 220 fade q 0.005 0.15 0.05
sox -n "${fmt[@]}" "$out/wrong_b.wav" synth 0.2 triangle 174.6 fade q 0.005 0.2 0.12
sox "$out/wrong_a.wav" "$out/wrong_b.wav" "${fmt[@]}" "$out/wrong.wav" gain -16
rm -f "$out"/right_?.wav "$out"/wrong_?.wav
# panel: a short airy swell (a sine glide 600 -> 900 Hz), 0.15 s
make panel synth 0.15 sine 600-900 fade h 0.03 0.15 0.08 gain -22
# message: the teacher's message, a gentle two-note chime (E6 over A5), 0.35 s
make message synth 0.35 sine 1318.5 sine 880 remix 1,2 fade q 0.005 0.35 0.3 gain -18
ls -l "$out"/*.wav | awk '{print "make.sh: " $NF " " $5 " bytes"}'
