#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tools/narration/narrate's file names: every narration id gets its own,
safe file. Chinese ids keep their characters (全景 and 大拱 used to become
the same '--.zh-CN.wav'); '#' of STATE#N ids still becomes '-'; a '/', a
space or a leading dot cannot make a path, and the id's hash keeps such
names apart; long ids are cut (with the hash). Then end to end (skipped
without espeak-ng and sox): a lesson with the ids 全景, 大拱, 拱/石 and
'a b' gets four recordings with four names, and --write puts each path in
the lesson.

usage: test_narrate_ids.py SOURCE_DIR OUT_DIR"""
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys

FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)


def load(src):
    path = os.path.join(src, "tools/narration/narrate")
    loader = importlib.machinery.SourceFileLoader("narrate", path)
    spec = importlib.util.spec_from_loader("narrate", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


LESSON = """stoa_lesson: 1
id: test.narrate-ids
title: {zh-CN: 名字}
languages: [zh-CN]
scene: ../scene.glb
start: 全景
states:
  全景:
    on_enter:
      - narrate: {id: 全景, text: 桥}
      - narrate: {id: 大拱, text: 拱}
      - narrate: {id: 拱/石, text: 石}
      - narrate: {id: a b, text: 好}
    triggers:
      - timer: 1
        goto: 完
  完:
    on_enter:
      - end: {}
"""


def main():
    src, out = sys.argv[1:3]
    n = load(src)
    ids = ["全景", "大拱", "welcome", "quiz#2", "quiz-2", "a/b", "a b", "..", ".hidden", "", "x" * 100,
           "拱" * 40, "e\u0301"]
    taken = {}
    stems = [n.file_stem(i, taken) for i in ids]
    print(dict(zip(ids, stems)))
    check(stems[0] == "全景" and stems[1] == "大拱", f"Chinese ids keep their characters ({stems[:2]})")
    check(stems[2] == "welcome" and stems[3] == "quiz-2", "ASCII ids and STATE#N ids as before")
    check(len(set(stems)) == len(stems), "every id its own name (quiz#2 and quiz-2 too)")
    for i, s in zip(ids, stems):
        ok = s and "/" not in s and "\\" not in s and not s.startswith(".") and " " not in s and \
            all(ord(c) >= 32 for c in s) and len(s.encode()) <= n.STEM_BYTES + 9
        check(ok, f"{i[:12]!r} -> {s!r}: a safe file name")
    check(n.file_stem("e\u0301") == n.file_stem("\u00e9"), "ids compare after NFC (é either way)")
    check(n.file_stem("全景") == n.file_stem("全景"), "the same id, the same name (re-runs overwrite)")

    if not shutil.which("espeak-ng") or not shutil.which("sox"):
        print("skipped the end-to-end part: espeak-ng and sox are needed (tools/setup)")
        sys.exit(77 if FAILS == [] else 1)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "lessons"))
    lesson = os.path.join(out, "lessons", "ids.yaml")
    open(lesson, "w", encoding="utf-8").write(LESSON)
    p = subprocess.run([sys.executable, os.path.join(src, "tools/narration/narrate"), lesson, "--write"],
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, f"narrate exits 0 ({p.returncode}: {p.stderr[-300:]})")
    made = sorted(os.listdir(os.path.join(out, "narration")))
    print(made)
    check(len(made) == 4 and "全景.zh-CN.wav" in made and "大拱.zh-CN.wav" in made,
          f"four recordings with four names ({made})")
    text = open(lesson, encoding="utf-8").read()
    check(all(f"../narration/{m}" in text for m in made), "--write put each one's path in the lesson")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
