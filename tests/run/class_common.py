#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Shared by the class-period tests (test_class_hub.py, test_class_period.py):
checks, a child process whose output is read by a thread, the test lessons,
and the statements a headset wrote (its trace logs)."""
import glob
import json
import os
import re
import shutil
import subprocess
import threading
import time

PASSES, FAILS = [], []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    (PASSES if cond else FAILS).append(what)
    return cond


class Proc:
    """A child whose output is gathered by a thread, for waiting on lines."""

    def __init__(self, cmd, env, log_path, cwd=None):
        self.cmd, self.env, self.log_path = cmd, env, log_path
        self.lines, self.times, self.lock = [], [], threading.Lock()
        self.log = open(log_path, "a")
        self.p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, errors="replace", cwd=cwd)
        threading.Thread(target=self._read, args=(self.p,), daemon=True).start()

    def _read(self, p):
        for line in p.stdout:
            self.log.write(line)
            self.log.flush()
            with self.lock:
                self.lines.append(line.rstrip("\n"))
                self.times.append(time.monotonic())

    def mark(self):
        with self.lock:
            return len(self.lines)

    def text(self):
        with self.lock:
            return "\n".join(self.lines)

    def wait_for(self, pattern, timeout, after=0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                for i, l in enumerate(self.lines[after:], after):
                    if re.search(pattern, l):
                        return i + 1
            if self.p.poll() is not None:
                time.sleep(0.3)
                with self.lock:
                    if not any(re.search(pattern, l) for l in self.lines[after:]):
                        return None
            time.sleep(0.05)
        return None

    def alive(self):
        return self.p.poll() is None

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()

    def stop(self, timeout=60):
        """Ctrl-C, as a learner would; the exit code."""
        if self.p.poll() is None:
            self.p.send_signal(2)
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode


def headset_env(base, out, name, capture=None, eye="96x96"):
    env = dict(base, XDG_STATE_HOME=os.path.join(out, name, "state"),
               XDG_CACHE_HOME=os.path.join(out, name, "cache"), STOA_XRSIM_FAST="1",
               STOA_XRSIM_EYE_SIZE=eye, STOA_AUDIO_SILENT="1", STOA_LOG="warn")
    if capture:
        env.update(STOA_XRSIM_CAPTURE=capture, STOA_XRSIM_CAPTURE_EVERY="50")
    return env


# Lesson A waits for the teacher (it ends on "end" or a new launch); lesson
# B ends by itself a second after it starts. Both write several statements.
LESSON_WAIT = """stoa_lesson: 1
id: test.wait
title: {{en: Wait for the teacher, zh-CN: 等老师}}
languages: [en, zh-CN]
scene: {scene}
start: a
states:
  a:
    title: {{en: First}}
    on_enter:
      - show_panel: {{text: {{en: Lesson A. Listen to your teacher.}}}}
    triggers:
      - timer: 0.5
        goto: b
  b:
    title: {{en: Second}}
    on_enter:
      - show_panel: {{text: {{en: Still lesson A.}}}}
    triggers:
      - instructor: continue
        goto: c
  c:
    title: {{en: End}}
    on_enter:
      - end: completed
"""

LESSON_SHORT = """stoa_lesson: 1
id: test.short
title: {{en: Short, zh-CN: 短}}
languages: [en, zh-CN]
scene: {scene}
start: a
states:
  a:
    title: {{en: Only}}
    on_enter:
      - show_panel: {{text: {{en: Lesson B is short.}}}}
    triggers:
      - timer: 1
        goto: b
  b:
    title: {{en: Done}}
    on_enter:
      - end: completed
"""


def write_lessons(folder, scene):
    os.makedirs(folder, exist_ok=True)
    for name, text in (("wait.yaml", LESSON_WAIT), ("short.yaml", LESSON_SHORT)):
        with open(os.path.join(folder, name), "w") as f:
            f.write(text.format(scene=scene))


def trace_logs(traces_dir):
    return sorted(glob.glob(os.path.join(traces_dir, "*.jsonl")), key=os.path.getmtime)


def written(traces_dir):
    """Every statement the headset wrote: id -> statement (all its logs)."""
    out = {}
    for p in trace_logs(traces_dir):
        with open(p) as f:
            for line in f:
                if line.startswith("{") and line.endswith("\n"):
                    st = json.loads(line)
                    out[st["id"]] = st
    return out


def by_registration(statements):
    regs = {}
    for st in statements.values():
        regs.setdefault(st.get("context", {}).get("registration"), []).append(st)
    return regs


def fresh(out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
