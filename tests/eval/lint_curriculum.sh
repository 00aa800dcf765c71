#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `stoa lint` on curricula: the shipped ones are clean, a cycle is an error
# with file:line, unknown concepts of a lesson are reported.
#   lint_curriculum.sh STOA SOURCE_DIR WORK_DIR
set -u
stoa="$1"; src="$2"; work="$3"
rm -rf "$work" && mkdir -p "$work" || exit 1
fail=0
check() { name="$1"; shift; if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi; }

"$stoa" lint "$src/scenes/agora/curriculum.yaml" >"$work/agora.out" 2>&1
check "the agora curriculum and its lessons lint clean" test $? -eq 0
"$stoa" lint "$src/tests/eval/class-curriculum.yaml" >"$work/class.out" 2>&1
check "the simulated class's curriculum lints clean" test $? -eq 0

cat >"$work/cycle.yaml" <<'YAML'
stoa_curriculum: 1
concepts:
  a: A
  b: {requires: [a, d]}
  c: {requires: [b]}
  d: {requires: [c]}
YAML
"$stoa" lint "$work/cycle.yaml" >"$work/cycle.out" 2>&1
check "a cycle fails" test $? -eq 1
check "a cycle names file:line and the chain" grep -q "cycle.yaml:4:1: error: prerequisites form a cycle: b -> d -> c -> b" "$work/cycle.out"

cat >"$work/bad.yaml" <<'YAML'
stoa_curriculum: 1
concepts:
  a: A
lessons:
  x: {teaches: [a, nope]}
YAML
"$stoa" lint "$work/bad.yaml" >"$work/bad.out" 2>&1
check "an unknown concept in teaches fails" test $? -eq 1
check "... with file:line" grep -q "bad.yaml:5:.*'nope' is not a concept" "$work/bad.out"

cat >"$work/small.yaml" <<'YAML'
stoa_curriculum: 1
concepts:
  stoicism: Stoicism
  zeno: Zeno
lessons:
  agora.zeno-zh: {file: lessons/zeno-zh.yaml, teaches: [zeno, stoicism]}
YAML
mkdir -p "$work/lessons" && cp "$src/scenes/agora/lessons/zeno-zh.yaml" "$work/lessons/"
"$stoa" lint "$work/small.yaml" >"$work/small.out" 2>&1
check "lesson concepts the curriculum does not know are reported" test $? -eq 1
check "... at the state's line" grep -q "lessons/zeno-zh.yaml:[0-9]*:[0-9]*: warning: .*'etymology', which curriculum" "$work/small.out"
"$stoa" lint "$work/small.yaml" --allow-warnings >/dev/null 2>&1
check "--allow-warnings" test $? -eq 0
"$stoa" lint --no-scene --no-assets "$src/scenes/agora/lessons/zeno-zh.yaml" --curriculum "$work/small.yaml" >"$work/l.out" 2>&1
check "stoa lint LESSON --curriculum reports unknown concepts" grep -q "'review', which curriculum" "$work/l.out"
# a task's own concepts are checked too
sed 's/^      id: place-amphora$/      id: place-amphora\n      concepts: [exhibit, handling]/' \
  "$src/scenes/agora/lessons/stoa-poikile.yaml" >"$work/lessons/task.yaml"
"$stoa" lint --no-scene --no-assets "$work/lessons/task.yaml" --curriculum "$src/scenes/agora/curriculum.yaml" \
  >"$work/t.out" 2>&1
check "a task's concept the curriculum does not know is reported" \
  grep -q "task.yaml:[0-9]*:[0-9]*: warning: task 'place-amphora' tags concept 'handling'" "$work/t.out"
exit $fail
