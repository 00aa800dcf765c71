#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `stoa lint` as an author meets it (issue 15): paths resolve against the
# lesson's own folder whatever the working directory, and one run reports
# every independent error.
#   lint_author.sh STOA SOURCE_DIR WORK_DIR
set -u
stoa="$1"; src="$2"; work="$3"
rm -rf "$work" && mkdir -p "$work" || exit 1
fail=0
check() { # check NAME CONDITION...
  name="$1"; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
}
count() { grep -c "$1" "$2"; }

# 1. The sample lesson from its own folder, from the folder above, from a
#    sibling folder and through "./": always clean (the scene is ../agora.glb,
#    the narration ../narration/*.wav).
lessons="$src/scenes/agora/lessons"
(cd "$lessons" && "$stoa" lint stoa-poikile.yaml) >"$work/here.out" 2>&1
check "lint from the lesson's folder: 0 errors" test $? -eq 0
check "  ... and says so" grep -q "stoa-poikile.yaml: 0 errors, 0 warnings" "$work/here.out"
(cd "$lessons" && "$stoa" lint ./zeno-zh.yaml) >"$work/dot.out" 2>&1
check "lint ./zeno-zh.yaml from its folder: 0 errors" test $? -eq 0
(cd "$src/scenes/agora/narration" && "$stoa" lint ../lessons/stoa-poikile.yaml) >"$work/sib.out" 2>&1
check "lint from a sibling folder: 0 errors" test $? -eq 0
(cd "$work" && "$stoa" lint "$lessons/stoa-poikile.yaml") >"$work/abs.out" 2>&1
check "lint by absolute path from elsewhere: 0 errors" test $? -eq 0

# A library of one's own: LIB/scene.glb and LIB/lessons/*.yaml, linted from
# LIB/lessons; a path beyond LIB is still refused, from there too.
lib="$work/lib"
mkdir -p "$lib/lessons" "$lib/narration" && cp "$src/scenes/agora/agora.glb" "$lib/scene.glb" || exit 1
cp "$src/scenes/agora/narration/welcome.wav" "$lib/narration/hello.wav" || exit 1
cat >"$lib/lessons/mine.yaml" <<'YAML'
id: mine
title: Mine
languages: [en]
scene: ../scene.glb
start: a
states:
  a:
    on_enter: [{narrate: {audio: ../narration/hello.wav, text: Hello}}]
    triggers: [{select: Door, goto: b}]
  b: {on_enter: [end: completed]}
YAML
(cd "$lib/lessons" && "$stoa" lint mine.yaml) >"$work/mine.out" 2>&1
check "own library, from its lessons folder: 0 errors" test $? -eq 0
sed 's#\.\./scene\.glb#../../scene.glb#' "$lib/lessons/mine.yaml" >"$lib/lessons/out.yaml"
(cd "$lib/lessons" && "$stoa" lint out.yaml) >"$work/out.out" 2>&1
check "a scene beyond the library is refused" grep -q "out.yaml:4:8: error: .*\[unsafe-path\]" "$work/out.out"
(cd "$lib" && "$stoa" lint lessons/mine.yaml) >"$work/mine2.out" 2>&1
check "own library, from its root: 0 errors" test $? -eq 0

# `stoa run --sim` from the lesson's folder finds its scene and narration.
if "$stoa" sim-manifest >/dev/null 2>&1; then
  # It makes a Vulkan device: under ASan, lavapipe's own small leaks (it is
  # unloaded before LeakSanitizer reports) are not ours (as in tools/test).
  (cd "$lessons" && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" STOA_XRSIM_FRAMES=20 STOA_XRSIM_FAST=1 STOA_XRSIM_EYE_SIZE=48x48 STOA_AUDIO_SILENT=1 \
     timeout 120 "$stoa" run --sim stoa-poikile.yaml --traces "$work/traces") >"$work/run.out" 2>&1
  check "run --sim from the lesson's folder exits 0" test $? -eq 0
  check "  ... and enters the first state" grep -q "^stoa run: state welcome$" "$work/run.out"
fi

# 2. Every independent error in one run: a misspelt key, a bad condition, an
#    unknown goto (parse errors), two node typos, a missing audio file and a
#    missing translation (checks that used to wait for a clean parse).
cat >"$lib/lessons/multi.yaml" <<'YAML'
id: multi
title: Multi
languages: [en, zh-CN]
scene: ../scene.glb
start: a
states:
  a:
    tilte: A
    on_enter:
      - narrate: {audio: missing.wav, text: {en: Hi, zh-CN: 你好}}
      - highlight: Statu
    triggers: [{select: Dor, goto: b}, {condition: "score >=", goto: b}]
  b:
    on_enter: [{show_panel: {text: Only English}}, end: completed]
    triggers: [{timer: 1, goto: nowhere}]
YAML
"$stoa" lint "$lib/lessons/multi.yaml" >"$work/multi.out" 2>"$work/multi.err"
check "several errors exit 1" test $? -eq 1
m="$work/multi.out"
check "misspelt key" grep -q "multi.yaml:8:5: error: unknown key 'tilte'.*\[unknown-key\]" "$m"
check "bad condition" grep -q "multi.yaml:12:61: error: .*\[expression\]" "$m"
check "unknown goto" grep -q "multi.yaml:15:33: error: .*'nowhere' \[unknown-state\]" "$m"
check "node typo in an action" grep -q "multi.yaml:11:20: error: the scene has no node 'Statu'; did you mean 'Statue'? \[unknown-node\]" "$m"
check "node typo in a trigger" grep -q "multi.yaml:12:25: error: the scene has no node 'Dor'; did you mean 'Door'? \[unknown-node\]" "$m"
check "missing audio" grep -q "multi.yaml:10:26: error: audio file 'missing.wav' does not exist \[missing-audio\]" "$m"
check "missing translations" test "$(count 'missing-translation' "$m")" -eq 2
check "8 errors counted" grep -q "8 errors, 0 warnings" "$work/multi.err"
"$stoa" lint --json "$lib/lessons/multi.yaml" >"$work/multi.json" 2>/dev/null
check "--json has them all" grep -q '"errors": 8, "warnings": 0' "$work/multi.json"

exit $fail
