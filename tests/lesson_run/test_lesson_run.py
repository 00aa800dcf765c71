#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The sample lesson played end to end under `stoa run --sim` by scripted
learners, with the Vulkan and OpenXR core validation layers on:
  - right answer: every state in order, passed, valid xAPI trace, report;
  - wrong answer: the other branch, failed;
  - the headset session lost mid-lesson: the lesson carries on, the trace
    says suspended/resumed;
  - killed with SIGKILL mid-lesson: the log still parses and reaches to the
    moment of the kill;
  - a file size limit on the trace: a warning, and the lesson still ends.
usage: test_lesson_run.py STOA SOURCE_DIR OUT_DIR
"""
import glob
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

PASSES, FAILS = [], []
VALIDATION_RE = re.compile(r"(Validation (Error|Warning)|VUID-|XR_ERROR_VALIDATION_FAILURE|"
                           r"Core Validation.*(Error|Warning))", re.I)
RIGHT_PATH = ["welcome", "stoa", "statue", "inscription", "door", "door_open", "exhibit",
              "placing", "quiz", "right", "finish"]


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    (PASSES if cond else FAILS).append(what)


class Run:
    """One `stoa run --sim`. Only the right-answer run looks at pictures: the
    others draw small eyes and capture nothing (what they check is states,
    traces and messages, none of it in the pixels), which halves the test's
    CPU time."""
    def __init__(self, stoa, src, out, script, extra_env=None, preexec=None, pictures=False):
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        self.out = out
        env = dict(os.environ, STOA_VALIDATION="1",
                   STOA_XRSIM_SCRIPT=os.path.join(src, "tests/lesson_run", script),
                   STOA_XRSIM_SUMMARY=os.path.join(out, "summary.json"),
                   XR_ENABLE_API_LAYERS="XR_APILAYER_LUNARG_core_validation")
        if pictures:  # 96x96 eyes (the script's 160x160 before) show the quiz panel as well
            env.update(STOA_XRSIM_CAPTURE=os.path.join(out, "frames"), STOA_XRSIM_CAPTURE_EVERY="20",
                       STOA_XRSIM_EYE_SIZE="96x96")
        else:
            env.update(STOA_XRSIM_EYE_SIZE="48x48")
        env.update(extra_env or {})
        self.cmd = [stoa, "run", "--sim", os.path.join(src, "scenes/agora/lessons/stoa-poikile.yaml"),
                    "--traces", os.path.join(out, "traces"), "--learner", os.path.basename(out),
                    "--events", os.path.join(out, "events.jsonl")]
        self.proc = subprocess.Popen(self.cmd, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, preexec_fn=preexec)

    def wait(self, timeout=400):
        self.stdout, self.stderr = self.proc.communicate(timeout=timeout)
        open(os.path.join(self.out, "log.txt"), "w").write(self.stdout + self.stderr)
        return self.proc.returncode

    def states(self):
        return re.findall(r"^stoa run: state (\S+)$", self.stdout, re.M)

    def traces(self):
        return sorted(glob.glob(os.path.join(self.out, "traces", "*.jsonl")))

    def statements(self):
        out = []
        for path in self.traces():
            for line in open(path, encoding="utf-8"):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    pass  # a torn last line
        return out

    def no_validation_messages(self, name):
        bad = [l for l in (self.stdout + self.stderr).splitlines() if VALIDATION_RE.search(l)]
        check(not bad, f"{name}: no validation messages ({bad[:2]})")


def centre_luma(folder, frame):
    """Mean brightness of the middle of the left eye in a captured frame."""
    found = glob.glob(os.path.join(folder, f"frame_{frame:06d}_*.png"))
    if not found:
        return None
    w, h = map(int, subprocess.run(["identify", "-format", "%w %h", found[0]], check=True,
                                   capture_output=True, text=True).stdout.split())
    eye = w // 2
    crop = f"{eye // 4}x{h // 5}+{eye * 3 // 8}+{h * 2 // 5}"
    out = subprocess.run(["convert", found[0], "-crop", crop, "-colorspace", "Gray",
                          "-format", "%[fx:int(255*mean)]", "info:"],
                         check=True, capture_output=True, text=True).stdout
    return int(out)


def verbs(statements):
    return [s["verb"]["display"].get("en-US", s["verb"]["id"]) for s in statements]


def trace_check(stoa, paths):
    r = subprocess.run([stoa, "trace", "check"] + paths, capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def test_right(stoa, src, out):
    run = Run(stoa, src, os.path.join(out, "right"), "learner_right.yaml", pictures=True)
    code = run.wait()
    run.no_validation_messages("right")
    check(code == 0, f"right: exit code 0 (got {code}: {run.stderr.strip()[-300:]})")
    check(run.states() == RIGHT_PATH, f"right: every state in order ({run.states()})")
    check("lesson ended: passed, score 1" in run.stdout, "right: the lesson ends passed with score 1")
    rc, msg = trace_check(stoa, run.traces())
    check(rc == 0 and len(run.traces()) == 1, f"right: the trace passes stoa trace check ({msg.strip()[-200:]})")
    st = run.statements()
    v = verbs(st)
    check(v[:2] == ["launched", "initialized"] and v[-1] == "terminated",
          f"right: cmi5 order launched, initialized ... terminated ({v[:2]} ... {v[-1:]})")
    answers = [s for s in st if s["verb"]["id"].endswith("/answered") and "/questions/" in s["object"]["id"]]
    check(len(answers) == 1 and answers[0]["result"]["success"] is True and
          answers[0]["result"]["response"] == "a", f"right: one right answer, response 'a' ({[a.get('result') for a in answers]})")
    check("passed" in v and "completed" in v, "right: passed and completed are in the trace")
    for needed in ("grabbed", "released", "interacted"):
        check(any(x.startswith(needed) for x in v), f"right: the trace has '{needed}' statements")
    entered = [s["object"]["id"].rsplit("/", 1)[-1] for s in st
               if s["verb"]["id"].endswith("/experienced") and "/states/" in s["object"]["id"]]
    check(entered == RIGHT_PATH,
          f"right: a statement for every state entered ({entered})")
    rep = os.path.join(run.out, "report")
    r = subprocess.run([stoa, "report"] + run.traces() + ["--out", rep], capture_output=True, text=True)
    data = json.load(open(os.path.join(rep, "report.json")))
    learner = data["lessons"][0]["learners"][0]
    check(r.returncode == 0 and learner["result"] == "passed" and learner["completed"],
          f"right: the report says completed and passed ({learner.get('result')})")
    frames = glob.glob(os.path.join(run.out, "frames", "*.png"))
    check(len(frames) >= 5, f"right: frames captured ({len(frames)})")
    # The quiz panel appears in front of the learner at 26.5 s (script time);
    # the head is still from 26 s on, so what changes mid-view is the panel.
    before = centre_luma(os.path.join(run.out, "frames"), 520)
    during = centre_luma(os.path.join(run.out, "frames"), 540)
    check(before is not None and during is not None and before - during > 15,
          f"right: the quiz panel shows in front of the learner (centre brightness {before} -> {during})")
    return run


def test_wrong(stoa, src, out):
    run = Run(stoa, src, os.path.join(out, "wrong"), "learner_wrong.yaml")
    code = run.wait()
    run.no_validation_messages("wrong")
    states = run.states()
    check(code == 0 and "wrong" in states and "right" not in states and states[-1] == "finish",
          f"wrong: the wrong branch is taken ({states})")
    check("lesson ended: failed, score 0" in run.stdout, "wrong: the lesson ends failed")
    answers = [s for s in run.statements() if s["verb"]["id"].endswith("/answered") and "/questions/" in s["object"]["id"]]
    check(len(answers) == 1 and answers[0]["result"]["success"] is False and
          answers[0]["result"]["response"] == "b", "wrong: the answer 'b' is recorded as wrong (by gaze)")
    rc, _ = trace_check(stoa, run.traces())
    check(rc == 0, "wrong: the trace passes stoa trace check")


def test_loss(stoa, src, out):
    run = Run(stoa, src, os.path.join(out, "loss"), "learner_loss.yaml")
    code = run.wait()
    run.no_validation_messages("loss")
    check(code == 0 and run.states() == RIGHT_PATH,
          f"loss: the lesson carries on after the session comes back ({run.states()})")
    check("1 session losses" in run.stdout, "loss: one loss seen")
    st = run.statements()
    sus = [s for s in st if s["verb"]["id"].endswith("/suspended")]
    res = [s for s in st if s["verb"]["id"].endswith("/resumed")]
    check(len(sus) == 1 and len(res) == 1, f"loss: suspended and resumed in the trace ({len(sus)}, {len(res)})")
    summary = json.load(open(os.path.join(run.out, "summary.json")))
    check(summary.get("sessions") == 2, f"loss: xrsim saw a second session ({summary.get('sessions')})")


def test_kill(stoa, src, out):
    run = Run(stoa, src, os.path.join(out, "kill"), "learner_right.yaml",
              extra_env={"STOA_XRSIM_REALTIME": "1", "STOA_VALIDATION": "0",
                         "XR_ENABLE_API_LAYERS": ""})
    deadline = time.time() + 120
    path = None
    while time.time() < deadline and not path:
        time.sleep(0.5)
        found = run.traces()
        path = found[0] if found else None
    time.sleep(8.0)  # well into the lesson
    kill_time = time.time()
    run.proc.send_signal(signal.SIGKILL)
    run.wait()
    rc, msg = trace_check(stoa, [path] if path else [])
    check(path is not None and rc == 0, f"kill: the log parses after SIGKILL ({msg.strip()[-160:]})")
    st = run.statements()
    last = max((s["timestamp"] for s in st), default="")
    # ISO 8601 UTC with milliseconds: compare as wall-clock seconds.
    import datetime
    t_last = datetime.datetime.strptime(last, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp() if last else 0
    check(len(st) >= 5 and kill_time - t_last < 3.0,
          f"kill: statements reach to the kill ({len(st)} statements, last {kill_time - t_last:.2f} s before)")


def test_file_limit(stoa, src, out):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (6000, 6000))
    run = Run(stoa, src, os.path.join(out, "limit"), "learner_right.yaml",
              extra_env={"STOA_VALIDATION": "0", "XR_ENABLE_API_LAYERS": ""}, preexec=limit)
    code = run.wait()
    check(code == 0 and run.states() == RIGHT_PATH,
          f"limit: the lesson completes although the trace cannot grow (rc {code})")
    check(re.search(r"trace.*(cannot|could not|failed|limit|space)", run.stderr, re.I) is not None,
          f"limit: the operator is warned ({run.stderr.strip()[-200:]})")


def main():
    stoa, src, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    for case in (test_right, test_wrong, test_loss, test_kill, test_file_limit):
        t0, r0 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        case(stoa, src, out)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"{case.__name__}: {time.monotonic() - t0:.1f} s, CPU "
              f"{r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime:.1f} s", flush=True)
    print(f"{len(PASSES)} passed, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
