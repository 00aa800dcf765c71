#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# `stoa report --lrs`: the simulated class's statements are posted to a
# `stoa hub` on 127.0.0.1 and read back through its xAPI Statements
# resource (several pages, following `more`); the evaluation must equal the
# one made from the log files. Wrong credentials are a clear error.
#
#   test_eval_lrs.py STOA EVALGEN CURRICULUM WORKDIR
import base64
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

stoa, evalgen, curriculum, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


subprocess.run([evalgen, os.path.join(work, "logs"), "--learners", "12"], check=True)
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
hub = subprocess.Popen([stoa, "hub", "--listen", f"127.0.0.1:{port}", "--data", os.path.join(work, "hub")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
try:
    key = password = None
    deadline = time.time() + 20
    while time.time() < deadline and key is None:
        line = hub.stdout.readline()
        if not line:
            break
        m = re.search(r"instructor password (.+?)  \(shown once", line)
        if m:
            password = m.group(1)
        m = re.search(r"Basic auth xapi:(\S+)\)", line)
        if m:
            key = m.group(1)
    if key is None:
        print("SKIP: the hub did not start (built without it?)")
        sys.exit(77)
    auth = "Basic " + base64.b64encode(f"xapi:{key}".encode()).decode()
    statements = []
    for path in sorted(glob.glob(os.path.join(work, "logs", "*.jsonl"))):
        statements += [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    # in time order, as a live class stores them: runs interleave in the LRS
    statements.sort(key=lambda st: st["timestamp"])
    for i in range(0, len(statements), 100):  # the hub takes bodies up to ~1 MiB
        req = urllib.request.Request(f"http://127.0.0.1:{port}/xapi/statements",
                                     data=json.dumps(statements[i:i + 100]).encode(), method="POST",
                                     headers={"Authorization": auth, "Content-Type": "application/json",
                                              "X-Experience-API-Version": "1.0.3"})
        with urllib.request.urlopen(req, timeout=30) as r:
            check(r.status == 200, f"POST {r.status}")
    print(f"posted {len(statements)} statements")

    env = dict(os.environ, STOA_LRS_AUTH=f"xapi:{key}")
    via_lrs = os.path.join(work, "lrs")
    r = subprocess.run([stoa, "report", "--lrs", f"http://127.0.0.1:{port}/xapi", "--curriculum", curriculum,
                        "--out", via_lrs], env=env, capture_output=True, text=True, timeout=120)
    print(r.stdout, r.stderr)
    check(r.returncode == 0, f"report --lrs exit {r.returncode}")
    m = re.search(r"(\d+) statements from .* \((\d+) pages?\)", r.stderr)
    check(m and int(m.group(1)) == len(statements), "every statement read back")
    check(m and int(m.group(2)) >= len(statements) // 500, "paged with 'more'")
    via_files = os.path.join(work, "files")
    subprocess.run([stoa, "report", os.path.join(work, "logs"), "--curriculum", curriculum, "--out", via_files],
                   check=True, capture_output=True)
    a = json.load(open(os.path.join(via_lrs, "evaluation.json")))
    b = json.load(open(os.path.join(via_files, "evaluation.json")))
    la = {l["account"]: l for l in a["learners"]}
    lb = {l["account"]: l for l in b["learners"]}
    check(set(la) == set(lb) and len(la) == 12, "the same learners")
    for acc in lb:
        if acc in la:
            check(la[acc]["concepts"] == lb[acc]["concepts"], f"{acc}: the same mastery")
            check(la[acc]["recommendations"] == lb[acc]["recommendations"], f"{acc}: the same recommendations")
    check(a["concepts"] == b["concepts"], "the same fitted parameters")

    # --- the hub's own pages and API from its store --------------------------------
    base = f"http://127.0.0.1:{port}"

    def get(path, cookie=None):
        req = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, ""

    check(get("/api/evaluation")[0] == 401, "the evaluation needs the instructor's login")
    check(get("/evaluation/class.html")[0] == 401, "the pages need the instructor's login")
    req = urllib.request.Request(base + "/api/login", data=json.dumps({"password": password}).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        cookie = re.search(r"stoa_session=[^;]+", r.headers.get("Set-Cookie", "")).group(0)
    status, body = get("/api/evaluation?lang=zh-CN", cookie)
    check(status == 200, f"/api/evaluation {status}")
    hub_ev = json.loads(body) if status == 200 else {"learners": []}
    hl = {l["account"]: l for l in hub_ev["learners"]}
    check(set(hl) == set(lb), "the hub's evaluation has every learner")
    for acc in lb:
        if acc in hl:  # no curriculum in the hub's library: concepts come from the runs
            weak_hub = {c for c, v in hl[acc]["concepts"].items() if v["weak"]}
            weak_files = {c for c, v in lb[acc]["concepts"].items() if v["weak"]}
            check(weak_hub == weak_files, f"{acc}: hub weak {weak_hub} vs {weak_files}")
    status, page = get("/evaluation/class.html?lang=zh-CN", cookie)
    check(status == 200 and "班级评估" in page and 'href="learners/learner-01.html"' in page,
          "the class page in the teacher's language, linking each learner")
    status, page = get("/evaluation/learners/learner-01.html", cookie)
    check(status == 200 and 'class="node' in page, "a learner's page with their knowledge map")
    check(get("/evaluation/learners/..%2f..%2fhub.db", cookie)[0] == 404, "no path out of the pages")
    check(get("/evaluation/learners/nobody.html", cookie)[0] == 404, "an unknown learner is 404")

    bad = subprocess.run([stoa, "report", "--lrs", f"http://127.0.0.1:{port}/xapi", "--out",
                          os.path.join(work, "bad")], env=dict(os.environ, STOA_LRS_AUTH="xapi:wrong"),
                         capture_output=True, text=True, timeout=60)
    check(bad.returncode == 1 and "HTTP 401" in bad.stderr, f"wrong credentials: {bad.stderr.strip()}")
finally:
    hub.terminate()
    try:
        hub.wait(timeout=10)
    except subprocess.TimeoutExpired:
        hub.kill()
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
