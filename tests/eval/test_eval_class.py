#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# A simulated class of 30 learners with known weak concepts takes four
# lessons over six weeks (tools/evalgen writes real xAPI traces through
# Stoa's trace writer). `stoa report` must find each learner's weak
# concepts, recommend lessons that follow from them, and write the pages.
#
#   test_eval_class.py STOA EVALGEN CURRICULUM OUTDIR
import csv
import json
import os
import shutil
import subprocess
import sys

stoa, evalgen, curriculum, out = sys.argv[1:5]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


shutil.rmtree(out, ignore_errors=True)
logs = os.path.join(out, "logs")
truth_path = os.path.join(out, "truth.json")
subprocess.run([evalgen, logs, "--truth", truth_path], check=True)
truth = json.load(open(truth_path))
rep = os.path.join(out, "report")
r = subprocess.run([stoa, "report", logs, "--curriculum", curriculum, "--out", rep],
                   capture_output=True, text=True)
print(r.stdout, r.stderr)
check(r.returncode == 0, f"stoa report exit {r.returncode}")
check("warning" not in r.stderr, "warnings on clean logs")
ev = json.load(open(os.path.join(rep, "evaluation.json")))

# --- weak concepts -------------------------------------------------------------
want = {l["account"]: set(l["weak"]) for l in truth["learners"]}
learners = {l["account"]: l for l in ev["learners"]}
check(set(learners) == set(want), "the report has every simulated learner")
for acc, weak in want.items():
    l = learners.get(acc)
    if not l:
        continue
    found = {c for c, v in l["concepts"].items() if v["weak"]}
    check(found == weak, f"{acc}: weak {sorted(found)}, truth {sorted(weak)}")
    marked = set(l["weakest"])
    check(marked == set(list(weak)[:3]) or marked <= weak and len(marked) == min(3, len(weak)),
          f"{acc}: weakest marked {sorted(marked)}")
    for c, v in l["concepts"].items():
        if c not in weak:
            check(v["mastered"], f"{acc}: strong concept {c} not mastered ({v['mastery']})")

# --- BKT fitted on the class's data ---------------------------------------------
for c in ev["concepts"]:
    b = c["bkt"]
    check(b["fitted"], f"{c['id']}: not fitted with {b['observations']} answers")
    # the simulated answers: strong 0.92 right, weak 0.2 (a guess), no learning
    check(0.1 <= b["guess"] <= 0.3, f"{c['id']}: guess {b['guess']}")
    check(b["slip"] <= 0.15, f"{c['id']}: slip {b['slip']}")
    check(b["learn"] <= 0.05, f"{c['id']}: learn {b['learn']}")

# --- recommendations follow from the map ------------------------------------------
requires = {c["id"]: c["requires"] for c in ev["concepts"]}
names = {c["id"]: c["name"] for c in ev["concepts"]}
latest = max(run["started"] for l in ev["learners"] for run in l["runs"])
for acc, l in learners.items():
    conc = l["concepts"]
    recs = l["recommendations"]
    ready_weak = [c for c in want[acc] if all(conc[p]["mastered"] for p in requires[c])]
    if ready_weak:
        check(recs and set(recs[0]["concepts"]) & set(ready_weak),
              f"{acc}: first recommendation {recs[:1]} teaches none of {ready_weak}")
    if not want[acc]:
        check(not recs, f"{acc} has nothing weak but gets {recs}")
    for rec in recs:
        for c in rec["concepts"]:
            check(not conc[c]["mastered"], f"{acc}: recommends mastered {c}")
            check(all(conc[p]["mastered"] for p in requires[c]), f"{acc}: {c} not ready")
        check(l["name"] in rec["reason"] and rec["name"] in rec["reason"],
              f"{acc}: reason '{rec['reason']}'")
        check(any(names[c] in rec["reason"] for c in rec["concepts"]), f"{acc}: reason names no concept")
        for run in l["runs"]:
            if run["lesson"].endswith("/" + rec["lesson"]) and run["result"] == "passed":
                check(run["started"][:10] < "2026-11-02", f"{acc}: {rec['lesson']} passed recently")
check(any(r["lesson"] == "class.review" for l in ev["learners"] for r in l["recommendations"]),
      "the lesson nobody took is recommended to someone weak in what it teaches")

# --- class figures -----------------------------------------------------------------
check(len(ev["weeks"]) == 6, f"weeks {ev['weeks']}")
check(len(ev["items"]) == 6 * 12 + 2 * 12 or len(ev["items"]) > 50, f"{len(ev['items'])} items")
it = ev["items"][0]
check(0 < it["difficulty"] < 1 and it["discrimination"] is not None, f"item {it}")
wrong = [x for x in it["responses"] if not x["correct"]]
check(len(wrong) >= 2 and abs(sum(x["rate"] for x in it["responses"]) - 1) < 0.01, "choice rates")
check(len(ev["surveys"]) >= 2, "surveys recorded")
check(all(l["dimensions"]["self_report"] is not None for l in ev["learners"]), "self-report dimension")
for d in ("knowledge", "engagement", "skill", "efficiency", "self_report"):
    check(ev["class"]["dimensions_median"][d] is not None, f"class median of {d}")
check(len(ev["lessons"]) == 4 and all(x["learners"] == 30 for x in ev["lessons"]), "lesson effectiveness")

# --- task steps and attention to narration (docs/curriculum-format.md, "Evidence") ---
runs = [r for l in ev["learners"] for r in l["runs"]]
check(all(r["task_steps"] == 4 and r["narration_attention"] is not None for r in runs),
      "every run: 4 task steps (2 concepts x 2 steps) and attention to narration")
check(sum(r["order_errors"] for r in runs) > 0 and
      all(r["task_errors"] >= r["order_errors"] for r in runs), "order errors counted among task errors")
# a task step is right first time as often as an answer: weak learners err more
weak_runs = [r for l in ev["learners"] for r in l["runs"] if want[l["account"]]]
none_runs = [r for l in ev["learners"] for r in l["runs"] if not want[l["account"]]]
rate = lambda rs: sum(r["task_steps_right_first_time"] for r in rs) / max(1, sum(r["task_steps"] for r in rs))
check(rate(none_runs) > rate(weak_runs) + 0.1,
      f"task steps right first time: {rate(none_runs):.2f} with nothing weak, {rate(weak_runs):.2f} with weak concepts")
hdr = next(csv.reader(open(os.path.join(rep, "archive_runs.csv"), encoding="utf-8-sig")))
check({"task_steps", "task_errors", "order_errors", "narration_attention"} <= set(hdr), "archive_runs.csv: task and narration columns")

# --- files ------------------------------------------------------------------------
for f in ("class.html", "report.html", "evaluation.json", "mastery.csv", "mastery_weekly.csv",
          "dimensions.csv", "recommendations.csv", "archive_runs.csv", "items.csv", "choices.csv",
          "lesson_effectiveness.csv", "concepts_bkt.csv", "class_weekly.csv"):
    check(os.path.exists(os.path.join(rep, f)), f"{f} written")
rows = list(csv.reader(open(os.path.join(rep, "mastery.csv"), encoding="utf-8-sig")))
check(len(rows) == 1 + 30 * 6, f"mastery.csv has {len(rows)} rows")
page = open(os.path.join(rep, "learners", "learner-01.html"), encoding="utf-8").read()
for c in want["learner-01"]:
    check(f'class="node weakest" data-concept="{c}"' in page, f"learner-01's map marks {c} weakest")
check(page.count('<g class="node') == 6, "learner-01's map has 6 concepts")
check("Li Wei has not mastered" in page, "learner-01's page gives the reason in words")

# --- filters and language ----------------------------------------------------------
one = os.path.join(out, "one")
subprocess.run([stoa, "report", logs, "--curriculum", curriculum, "--out", one, "--learner", "learner-01",
                "--from", "2026-10-05", "--to", "2026-10-18", "--lang", "zh-CN"], check=True,
               capture_output=True)
ev1 = json.load(open(os.path.join(one, "evaluation.json")))
check([l["account"] for l in ev1["learners"]] == ["learner-01"], "--learner keeps one learner")
check(all(r["started"][:10] <= "2026-10-18" for r in ev1["learners"][0]["runs"]), "--to")
check(len(ev1["learners"][0]["runs"]) == 2, f"two weeks: {len(ev1['learners'][0]['runs'])} runs")
zh = open(os.path.join(one, "class.html"), encoding="utf-8").read()
check("班级评估" in zh and "广场" in zh, "--lang zh-CN gives Chinese pages and names")
rec = ev1["learners"][0]["recommendations"]
check(rec and "尚未掌握" in rec[0]["reason"], f"Chinese reason: {rec[:1]}")

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
