#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `stoa lint` end to end: exit codes, text and --json output, --graph.
#   lint_cli.sh STOA SOURCE_DIR WORK_DIR
set -u
stoa="$1"; src="$2"; work="$3"
rm -rf "$work" && mkdir -p "$work" || exit 1
fail=0
check() { # check NAME CONDITION...
  name="$1"; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
}

sample="$src/scenes/agora/lessons/stoa-poikile.yaml"
"$stoa" lint "$sample" >"$work/sample.out" 2>&1
check "sample lesson lints clean" test $? -eq 0
"$stoa" lint "$src/scenes/agora/lessons/zeno-zh.yaml" >"$work/zh.out" 2>&1
check "Chinese-first lesson lints clean" test $? -eq 0

"$stoa" lint --graph "$work/g.dot" "$sample" >/dev/null 2>&1
check "--graph exits 0" test $? -eq 0
check "--graph writes DOT" grep -q '^digraph lesson {' "$work/g.dot"
check "DOT has the quiz edges" grep -q '"quiz" -> "right" \[label="1: quiz stoics-name right"\]' "$work/g.dot"
if command -v dot >/dev/null 2>&1; then
  check "--graph writes SVG with dot installed" grep -q '<svg' "$work/g.svg"
fi
(cd "$work" && "$stoa" lint --no-scene --no-assets "$sample" --graph >/dev/null 2>&1)
check "--graph without a name writes LESSON.dot here" test -s "$work/stoa-poikile.dot"

cat >"$work/broken.yaml" <<'YAML'
id: broken
title: Broken
languages: [en]
scene: s.glb
start: a
states:
  a:
    on_enter: [play: DoorOpen]
    triggers: [{select: Door, goto: b}]
  b:
    tilte: B
    on_enter: [end: completed]
YAML
"$stoa" lint --no-scene "$work/broken.yaml" >"$work/broken.out" 2>"$work/broken.err"
check "errors exit 1" test $? -eq 1
check "error names file:line:column" grep -qF "$work/broken.yaml:11:5: error: unknown key 'tilte' in state 'b'; did you mean 'title'? [unknown-key]" "$work/broken.out"
check "summary on stderr" grep -q '1 error, 0 warnings' "$work/broken.err"
"$stoa" lint --no-scene --json "$work/broken.yaml" >"$work/broken.json" 2>/dev/null
check "--json exits 1" test $? -eq 1
check "--json diagnostics" grep -q '"line": 11, "column": 5, "code": "unknown-key"' "$work/broken.json"
check "--json counts" grep -q '"errors": 1, "warnings": 0' "$work/broken.json"

cat >"$work/warn.yaml" <<'YAML'
id: warn
title: Warn
languages: [en]
scene: s.glb
start: a
states:
  a: {triggers: [{select: Door, goto: z}]}
  lost: {triggers: [{select: Door, goto: z}]}
  z: {on_enter: [end: completed]}
YAML
"$stoa" lint --no-scene "$work/warn.yaml" >"$work/warn.out" 2>&1
check "warnings alone exit 1" test $? -eq 1
check "warning text" grep -q "warn.yaml:8:3: warning: state 'lost' cannot be reached" "$work/warn.out"
"$stoa" lint --no-scene --allow-warnings "$work/warn.yaml" >/dev/null 2>&1
check "--allow-warnings exits 0" test $? -eq 0
"$stoa" lint "$work/warn.yaml" >"$work/scene.out" 2>&1
check "missing scene is an error" grep -q "4:8: error: scene 's.glb' cannot be loaded" "$work/scene.out"

"$stoa" lint "$work/nonexistent.yaml" >/dev/null 2>&1
check "unreadable file exits 2" test $? -eq 2
"$stoa" lint >/dev/null 2>&1
check "no argument exits 2" test $? -eq 2

# Local files: a lesson over 4 MiB is an error (never "0 errors"), a FIFO is
# refused at once (never waited on), deep [ ] nesting is refused in linear time.
{ printf 'id: big\n# '; head -c 4200000 /dev/zero | tr '\0' x; printf '\n'; } >"$work/big.yaml"
"$stoa" lint --no-scene "$work/big.yaml" >"$work/big.out" 2>&1
check "over 4 MiB exits 1" test $? -eq 1
check "over 4 MiB is an error" grep -q "error: the file is larger than 4 MiB \[too-large\]" "$work/big.out"
mkfifo "$work/fifo.yaml"
timeout 10 "$stoa" lint --no-scene "$work/fifo.yaml" >"$work/fifo.out" 2>&1
check "a FIFO exits 2 at once" test $? -eq 2
check "a FIFO is named" grep -q "not a regular file" "$work/fifo.out"
{ printf 'id: deep\nstates: '; head -c 200000 /dev/zero | tr '\0' '['; head -c 200000 /dev/zero | tr '\0' ']'; printf '\n'; } >"$work/deep.yaml"
start=$(date +%s)
timeout 60 "$stoa" lint --no-scene "$work/deep.yaml" >"$work/deep.out" 2>&1
check "deep nesting exits 1" test $? -eq 1
check "deep nesting is refused" grep -q "nested deeper than 64 levels \[too-deep\]" "$work/deep.out"
check "deep nesting is quick" test $(( $(date +%s) - start )) -lt 10

exit $fail
