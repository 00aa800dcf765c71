#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerates the sample lesson's narration from tools/narration/lines.tsv
# with espeak-ng (synthetic speech: no third-party recordings).
#
#   tools/narration/make_narration.sh [LINES.tsv] [OUT_DIR]
#
# First checks (check_lines.py) that every line matches the `en` subtitle
# of the same narration in scenes/agora/lessons/stoa-poikile.yaml.
#
# Output: mono 22050 Hz WAV, 4-bit IMA ADPCM (libsndfile decodes it; a
# quarter of the size of 16-bit PCM, so the committed clips stay small),
# leading and trailing silence trimmed. Needs espeak-ng and sox
# (tools/setup installs both). Deterministic for a given espeak-ng version.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
lines="${1:-$here/lines.tsv}"
out="${2:-$here/../../scenes/agora/narration}"
voice="${STOA_NARRATION_VOICE:-en-us}"
speed="${STOA_NARRATION_WPM:-160}"

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make_narration: $tool missing (run tools/setup)" >&2; exit 1; }
done
lesson="$here/../../scenes/agora/lessons/stoa-poikile.yaml"
if [ -f "$lesson" ] && [ -z "${1:-}" ]; then
  python3 "$here/check_lines.py" "$lesson" "$lines"
fi
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

count=0
while IFS=$'\t' read -r name text; do
  case "$name" in ''|'#'*) continue ;; esac
  if [[ ! "$name" =~ ^[a-z0-9_]+$ || -z "$text" ]]; then
    echo "make_narration: bad line for '$name' in $lines" >&2
    exit 1
  fi
  espeak-ng -v "$voice" -s "$speed" -w "$tmp/raw.wav" -- "$text"
  # Trim silence at both ends (the reverse trick trims the tail), keep the
  # rate espeak-ng speaks at (22050 Hz), encode as IMA ADPCM.
  sox "$tmp/raw.wav" -c 1 -r 22050 -e ima-adpcm "$out/$name.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
  printf '%-12s %5.2f s  %s\n' "$name" "$(soxi -D "$out/$name.wav")" "$text"
  count=$((count + 1))
done < "$lines"

echo "make_narration: $count clips in $out ($(du -ch "$out"/*.wav | tail -1 | cut -f1) total)"
