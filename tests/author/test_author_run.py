#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Lessons as an author writes them, played by `stoa run --sim` (issue 15):

  textonly  narration without recordings (en + zh-CN texts only): the
            subtitles are timed by their reading time and the lesson plays
            to its end in Chinese; the trace passes `stoa trace check`.
  narrate   tools/narration/narrate makes espeak-ng recordings for that
            lesson and adds them to it (skipped, 77, without espeak-ng or
            sox): lint is then clean without notes, and the run plays the
            files (each narration lasts as long as its file).
  quiz      the sample lesson with `score:` and `feedback:` on its quiz,
            answered right by the scripted learner: the feedback is in the
            answer's xAPI result with the points, and the total counts them.
  actions   the sample lesson played to its end by a learner written with
            xrsim's learner actions (learner_actions.yaml: look_at, select,
            grab held while selecting the door, grab + place, answer), plus
            two teleports (to a point, to a node) and one action on a node
            that does not exist: said, counted, and the lesson goes on.

Each case runs from a folder other than the lesson's.
usage: test_author_run.py STOA SOURCE_DIR OUT_DIR CASE
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

PASSES, FAILS = [], []
SKIP = 77

TEXT_ONLY = """id: text-only
title: {en: Text only, zh-CN: 只有文字}
languages: [en, zh-CN]
scene: ../agora.glb
start: hello
states:
  hello:
    on_enter:
      - narrate: {id: hi, text: {en: Welcome to the agora., zh-CN: 欢迎来到雅典的广场。}}
    triggers: [{narration_finished: all, goto: more}]
  more:
    on_enter:
      - narrate:
          text: {en: This is the painted stoa., zh-CN: 这是彩绘柱廊。}
          at: Statue
    triggers: [{narration_finished: all, goto: done}]
  done:
    on_enter: [end: completed]
"""


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    (PASSES if cond else FAILS).append(what)


def library(src, out):
    """A lesson library of one's own: LIB/agora.glb, LIB/narration, LIB/lessons."""
    lib = os.path.join(out, "lib")
    os.makedirs(os.path.join(lib, "lessons"))
    shutil.copy(os.path.join(src, "scenes/agora/agora.glb"), lib)
    shutil.copytree(os.path.join(src, "scenes/agora/narration"), os.path.join(lib, "narration"))
    return lib


def run(stoa, lesson, out, name, lang=None, script=None, frames=240, summary=None, hz=20):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    env = dict(os.environ, STOA_XRSIM_FAST="1", STOA_XRSIM_EYE_SIZE="48x48",
               STOA_XRSIM_REFRESH_HZ=str(hz), STOA_AUDIO_SILENT="1", STOA_LOG="info",
               STOA_XRSIM_FRAMES=str(frames))
    if script:
        env["STOA_XRSIM_SCRIPT"] = script
    if summary:
        env["STOA_XRSIM_SUMMARY"] = summary
    cmd = [stoa, "run", "--sim", lesson, "--traces", os.path.join(d, "traces")]
    if lang:
        cmd += ["--lang", lang]
    p = subprocess.run(cmd, env=env, cwd=out, capture_output=True, text=True, timeout=240)
    log = p.stdout + p.stderr
    open(os.path.join(d, "log.txt"), "w").write(log)
    stmts = []
    traces = sorted(glob.glob(os.path.join(d, "traces", "*.jsonl")))
    for path in traces:
        stmts += [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    return p.returncode, log, stmts, traces


def verb(s):
    return s["verb"]["id"].rsplit("/", 1)[-1]


def seconds(iso):
    m = re.fullmatch(r"PT(?:(\d+)M)?([\d.]+)S", iso or "")
    return int(m.group(1) or 0) * 60 + float(m.group(2)) if m else -1


def states(log):
    return re.findall(r"^stoa run: state (\S+)$", log, re.M)


def case_textonly(stoa, src, out):
    lib = library(src, out)
    lesson = os.path.join(lib, "lessons", "text-only.yaml")
    open(lesson, "w", encoding="utf-8").write(TEXT_ONLY)
    lint = subprocess.run([stoa, "lint", lesson], capture_output=True, text=True, cwd=out)
    check(lint.returncode == 0, f"a text-only lesson lints clean ({lint.returncode})")
    check(len(re.findall(r"note: narration '(hi|more#1)' has no recording.*\[no-recording\]",
                         lint.stdout)) == 2, "lint notes both narrations without a recording")
    check("0 errors, 0 warnings, 2 notes" in lint.stderr, "notes are counted apart")

    rc, log, stmts, traces = run(stoa, lesson, out, "zh", lang="zh-CN", hz=10)
    check(rc == 0, f"run exits 0 ({rc})")
    check(states(log) == ["hello", "more", "done"], f"every state in order ({states(log)})")
    check("stoa run: lesson ended: completed" in log, "the lesson plays to its end")
    subs = re.findall(r"narration '([^']+)' has no recording in zh-CN: subtitle for ([\d.]+) s: (.*)$",
                      log, re.M)
    check([s[0] for s in subs] == ["hi", "more#1"], f"both subtitles shown ({subs})")
    check(subs and subs[0][2] == "欢迎来到雅典的广场。", "the Chinese subtitle")
    # Reading time: 1 s lead + 9 CJK characters at 4 a second + the final
    # "。", which counts as a word at 2.5 a second (runtime/audio/audio_text.c).
    check(subs and abs(float(subs[0][1]) - (1 + 9 / 4 + 1 / 2.5)) < 0.11,
          f"reading time by characters ({subs[:1]})")
    listened = [s for s in stmts if verb(s) == "listened"]
    check(len(listened) == 2, f"two listened statements ({len(listened)})")
    if subs and listened:
        got = seconds(listened[0]["result"].get("duration"))
        check(abs(got - float(subs[0][1])) < 0.2,
              f"the narration lasted its reading time ({got} vs {subs[0][1]})")
        check(listened[0]["result"].get("completion") is True, "and counts as heard to its end")
    check("completed" in [verb(s) for s in stmts], "completed statement")
    tc = subprocess.run([stoa, "trace", "check"] + traces, capture_output=True, text=True)
    check(traces and tc.returncode == 0, f"stoa trace check passes ({tc.stdout[-300:]})")

    # English: words, not characters, set the time (4 words: 1 + 4 / 2.5 = 2.6 s).
    rc, log, _, _ = run(stoa, lesson, out, "en", lang="en", frames=30, hz=10)
    m = re.search(r"narration 'hi' has no recording in en: subtitle for ([\d.]+) s", log)
    check(m and abs(float(m.group(1)) - 2.6) < 0.11, f"reading time by words ({m and m.group(1)})")


def case_narrate(stoa, src, out):
    if not (shutil.which("espeak-ng") and shutil.which("sox") and shutil.which("soxi")):
        print("skip: espeak-ng or sox is not installed (tools/setup installs them)")
        return SKIP
    lib = library(src, out)
    lesson = os.path.join(lib, "lessons", "text-only.yaml")
    open(lesson, "w", encoding="utf-8").write(TEXT_ONLY)
    tool = os.path.join(src, "tools/narration/narrate")
    p = subprocess.run([tool, lesson, "--write"], capture_output=True, text=True, cwd=out, timeout=120)
    check(p.returncode == 0, f"narrate exits 0 ({p.stderr[-300:]})")
    files = {n: os.path.join(lib, "narration", n) for n in
             ("hi.en.wav", "hi.zh-CN.wav", "more-1.en.wav", "more-1.zh-CN.wav")}
    durations = {}
    for n, path in files.items():
        ok = os.path.isfile(path)
        if ok:
            durations[n] = float(subprocess.run(["soxi", "-D", path], capture_output=True,
                                                text=True).stdout or 0)
        check(ok and durations[n] > 0.4, f"{n} written and not empty ({durations.get(n)})")
    text = open(lesson, encoding="utf-8").read()
    check("audio: {en: ../narration/hi.en.wav, zh-CN: ../narration/hi.zh-CN.wav}" in text,
          "the audio map is added to the flow-style narration")
    check(re.search(r"^          audio: \{en: \.\./narration/more-1\.en\.wav, zh-CN: "
                    r"\.\./narration/more-1\.zh-CN\.wav\}$", text, re.M),
          "and to the block-style one, at its indentation")
    lint = subprocess.run([stoa, "lint", lesson], capture_output=True, text=True, cwd=out)
    check(lint.returncode == 0 and "note" not in lint.stdout + lint.stderr,
          f"lint is clean, without notes ({lint.stdout[-300:]})")
    again = subprocess.run([tool, lesson], capture_output=True, text=True, cwd=out, timeout=60)
    check("0 recordings" in again.stderr, "a second run has nothing left to make")

    rc, log, stmts, _ = run(stoa, lesson, out, "zh", lang="zh-CN", hz=10)
    check(rc == 0 and states(log) == ["hello", "more", "done"], f"the lesson plays to its end ({states(log)})")
    check("has no recording" not in log, "every narration now has a recording")
    listened = [s for s in stmts if verb(s) == "listened"]
    check(len(listened) == 2, f"two listened statements ({len(listened)})")
    for s, n in zip(listened, ("hi.zh-CN.wav", "more-1.zh-CN.wav")):
        got = seconds(s["result"].get("duration"))
        check(abs(got - durations.get(n, -9)) < 0.2, f"{n} played for its length ({got} vs {durations.get(n)})")


def case_quiz(stoa, src, out):
    lib = library(src, out)
    text = open(os.path.join(src, "scenes/agora/lessons/stoa-poikile.yaml"), encoding="utf-8").read()
    # The quiz gives 2 points and its own feedback, without another state.
    patched, n = re.subn(r"(\n(\s+)correct: 0\n)",
                         r"\1\2score: 2\n\2feedback: {right: {en: 'Yes: the stoa!', zh-CN: 对！},"
                         r" wrong: {en: 'No.', zh-CN: 不对。}}\n", text, count=1)
    check(n == 1, "the sample's quiz is patched")
    lesson = os.path.join(lib, "lessons", "quiz.yaml")
    open(lesson, "w", encoding="utf-8").write(patched)
    lint = subprocess.run([stoa, "lint", lesson], capture_output=True, text=True, cwd=out)
    check(lint.returncode == 0, f"the lesson lints clean ({lint.stdout[-300:]})")
    rc, log, stmts, traces = run(stoa, lesson, out, "right",
                                 script=os.path.join(src, "tests/lesson_run/learner_right.yaml"),
                                 frames=900)
    check(rc == 0, f"run exits 0 ({rc})")
    answers = [s for s in stmts if verb(s) == "answered" and s["object"]["id"].endswith("stoics-name")]
    check(len(answers) == 1, f"one answer ({len(answers)})")
    if answers:
        res = answers[0]["result"]
        check(res.get("success") is True, "answered right")
        check(res.get("score", {}).get("raw") == 2, f"result.score.raw = 2 ({res.get('score')})")
        ext = res.get("extensions", {})
        check(ext.get("https://stoa.dev/xapi/extensions/feedback") == "Yes: the stoa!",
              f"the feedback in the result ({ext})")
    # 2 from the quiz + 1 from the state `right`.
    check("stoa run: lesson ended: passed, score 3" in log, "the quiz's points count in the total")
    tc = subprocess.run([stoa, "trace", "check"] + traces, capture_output=True, text=True)
    check(traces and tc.returncode == 0, f"stoa trace check passes ({tc.stdout[-300:]})")


RIGHT_PATH = ["welcome", "stoa", "statue", "inscription", "door", "door_open", "exhibit",
              "placing", "quiz", "right", "finish"]


def case_actions(stoa, src, out):
    script = open(os.path.join(src, "tests/author/learner_actions.yaml"), encoding="utf-8").read()
    # Teleports 3 m ahead and back to the Spawn node while the welcome plays,
    # and one action on a node that is not there.
    script = script.replace("events:\n", "events:\n  - {t: 1.0, teleport: [0, 0, -3]}\n"
                            "  - {t: 2.5, teleport: Spawn}\n  - {t: 3.0, select: NoSuchNode}\n", 1)
    path = os.path.join(out, "learner.yaml")
    open(path, "w", encoding="utf-8").write(script)
    summary = os.path.join(out, "summary.json")
    rc, log, stmts, traces = run(stoa, os.path.join(src, "scenes/agora/lessons/stoa-poikile.yaml"),
                                 out, "right", script=path, frames=380, summary=summary, hz=10)
    check(rc == 0, f"run exits 0 ({rc})")
    check(states(log) == RIGHT_PATH, f"every state of the right path ({states(log)})")
    check("stoa run: lesson ended: passed" in log, "the learner passes")
    for what in ("teleport to the point", "teleport to Spawn", "look at BackWall", "select Statue", "grab Inscription", "select Door",
                 "grab Exhibit", "answer choice 0"):
        check(re.search(r"script line \d+ \(t [\d.]+\): " + what + " at \(", log), f"action: {what}")
    check(re.search(r"learner action not done: node 'NoSuchNode' is not in", log),
          "an action on a node that is not there is said")
    la = json.load(open(summary)).get("learner_actions", {}) if os.path.exists(summary) else {}
    check(la == {"done": 8, "failed": 1}, f"the summary counts them ({la})")
    tele = [s["object"]["id"].rsplit("/", 1)[-1] for s in stmts if verb(s) == "teleported"]
    # The lesson's own two (welcome, finish: Spawn) and the learner's two,
    # 3 m ahead of Spawn (world z = 7) and back.
    check(len(tele) == 4 and re.fullmatch(r"-?0\.\d\d_0\.00_4\.0\d", tele[1] or "") and
          re.fullmatch(r"-?0\.\d\d_0\.00_(6\.9\d|7\.0\d)", tele[2] or ""),
          f"teleport: there and back ({tele})")
    gazed = [s for s in stmts if verb(s) == "gazed" and s["object"]["id"].endswith("/BackWall")]
    check(gazed, "look_at: the back wall was gazed at")
    by_verb = {}
    for s in stmts:
        by_verb.setdefault(verb(s), []).append(s["object"]["id"].rsplit("/", 1)[-1])
    check("Statue" in by_verb.get("interacted", []) and "Door" in by_verb.get("interacted", []),
          f"select: the statue and the door ({by_verb.get('interacted')})")
    check("Inscription" in by_verb.get("grabbed", []) and "Exhibit" in by_verb.get("grabbed", []),
          f"grab: the inscription and the vase ({by_verb.get('grabbed')})")
    answers = [s for s in stmts if verb(s) == "answered" and s["object"]["id"].endswith("stoics-name")]
    check(len(answers) == 1 and answers[0]["result"]["response"] == "a" and answers[0]["result"]["success"],
          "answer: choice 0, right")
    tc = subprocess.run([stoa, "trace", "check"] + traces, capture_output=True, text=True)
    check(traces and tc.returncode == 0, f"stoa trace check passes ({tc.stdout[-300:]})")


def main():
    stoa, src, out, case = sys.argv[1:5]
    stoa, src, out = os.path.abspath(stoa), os.path.abspath(src), os.path.abspath(out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    rc = {"textonly": case_textonly, "narrate": case_narrate, "quiz": case_quiz,
          "actions": case_actions}[case](stoa, src, out)
    if rc == SKIP:
        return SKIP
    print(f"{len(PASSES)} passed, {len(FAILS)} failed")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
