#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The OpenXR session's exit paths, from every state, on xrsim (whose
script can hold a session in IDLE, READY, SYNCHRONIZED or VISIBLE), and the
error classes `stoa run` survives: a lost session, a lost instance, a lesson
that cannot start. A run that does not end within its bound is a hang; an
OpenXR call made in a state that forbids it shows in xrsim's summary.

usage: test_session_paths.py STOA SOURCE_DIR OUT_DIR
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

PASSES, FAILS = [], []
HANG_S = 60  # far above any path here; stoa_xr gives a runtime 5 s to end a session


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    (PASSES if cond else FAILS).append(what)


def run(stoa, src, out, name, script_text, args=(), realtime=False, sigint_after=None):
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    script = os.path.join(d, "script.yaml")
    with open(script, "w") as f:
        f.write("display: {eye_width: 64, eye_height: 64, refresh_hz: 30}\n" + script_text)
    env = dict(os.environ, STOA_XRSIM_SCRIPT=script, STOA_XRSIM_SUMMARY=os.path.join(d, "summary.json"),
               STOA_AUDIO_SILENT="1", STOA_LOG="info", STOA_PIPELINE_CACHE="off")
    if realtime:
        env["STOA_XRSIM_REALTIME"] = "1"
    cmd = [stoa, "run", "--sim", os.path.join(src, "scenes/agora/agora.glb")] + list(args)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if sigint_after is not None:
        time.sleep(sigint_after)
        p.send_signal(signal.SIGINT)
    try:
        o, e = p.communicate(timeout=HANG_S)
    except subprocess.TimeoutExpired:
        p.kill()
        o, e = p.communicate()
        check(False, f"{name}: the run ended (it hung for {HANG_S} s)")
        return None, o + e, {}, time.monotonic() - t0
    log = o + e
    open(os.path.join(d, "log.txt"), "w").write(log)
    sp = os.path.join(d, "summary.json")
    summary = json.load(open(sp)) if os.path.exists(sp) else {}
    return p.returncode, log, summary, time.monotonic() - t0


def misuse(summary):
    """OpenXR calls xrsim refused as misuse (a wrong state, a wrong order)."""
    return [f"{e['function']}: {e['result']}" for e in summary.get("errors", [])
            if e.get("result") not in ("XR_ERROR_SESSION_LOST", "XR_ERROR_INSTANCE_LOST")]


def exit_from(stoa, src, out, hold, first_state_left):
    """The learner's session is held at `hold`; the run is asked to end
    (--max-seconds). It must leave by the path the specification gives for
    that state, without a forbidden call and without waiting for nothing."""
    code, log, summary, took = run(stoa, src, out, f"exit-{hold}", f"hold: {hold}\n",
                                   ["--max-seconds", "1.5"])
    if code is None:
        return
    states = summary.get("states", [])
    check(code == 0, f"exit from {hold.upper()}: exit code 0 ({code}: {log.strip()[-300:]})")
    check(not misuse(summary), f"exit from {hold.upper()}: no call refused ({misuse(summary)})")
    check(f"XR_SESSION_STATE_{first_state_left}" in states,
          f"exit from {hold.upper()}: the session reached {first_state_left} ({states})")
    check(took < 20, f"exit from {hold.upper()}: left within 20 s ({took:.1f} s)")
    return states, log


def test_exit_paths(stoa, src, out):
    # IDLE: no running session; xrRequestExitSession would be refused
    # (SESSION_NOT_RUNNING) and EXITING would never come: leave at once.
    r = exit_from(stoa, src, out, "idle", "IDLE")
    if r:
        states, log = r
        check("XR_SESSION_STATE_READY" not in states and "leaving from IDLE" in log,
              f"IDLE: the app leaves without asking the runtime ({states})")
    # READY, SYNCHRONIZED, VISIBLE: the session runs; the app asks to exit and
    # ends the session at STOPPING; the runtime goes IDLE, EXITING.
    for hold in ("ready", "synchronized", "visible"):
        r = exit_from(stoa, src, out, hold, hold.upper())
        if r:
            states, _ = r
            check(states[-3:] == ["XR_SESSION_STATE_STOPPING", "XR_SESSION_STATE_IDLE",
                                  "XR_SESSION_STATE_EXITING"],
                  f"exit from {hold.upper()}: STOPPING, IDLE, EXITING ({states[-4:]})")
    # FOCUSED: the usual path.
    r = exit_from(stoa, src, out, "none", "FOCUSED")
    if r:
        states, _ = r
        check(states[-3:] == ["XR_SESSION_STATE_STOPPING", "XR_SESSION_STATE_IDLE",
                              "XR_SESSION_STATE_EXITING"],
              f"exit from FOCUSED: STOPPING, IDLE, EXITING ({states[-4:]})")


def test_stopped_by_runtime(stoa, src, out):
    """STOPPING comes from the runtime (the headset taken off): the app ends
    the session there; in the IDLE that follows, asked to leave, it leaves
    without xrRequestExitSession."""
    code, log, summary, took = run(stoa, src, out, "stop-idle",
                                   "events:\n  - {t: 0.1, hold: idle}\n",
                                   ["--max-seconds", "8"])
    if code is None:
        return
    states = summary.get("states", [])
    check(code == 0 and not misuse(summary),
          f"headset off: the run ends cleanly ({code}, refused: {misuse(summary)}, {log.strip()[-200:]})")
    check(states[-2:] == ["XR_SESSION_STATE_STOPPING", "XR_SESSION_STATE_IDLE"] and
          "leaving from IDLE" in log,
          f"headset off: STOPPING then IDLE, and the app leaves from IDLE ({states[-3:]})")
    # The runtime asks for the stop itself (script exit): STOPPING, IDLE, EXITING.
    code, log, summary, _ = run(stoa, src, out, "stop-exit", "events:\n  - {t: 0.5, do: exit}\n")
    if code is not None:
        states = summary.get("states", [])
        check(code == 0 and not misuse(summary) and states[-1:] == ["XR_SESSION_STATE_EXITING"],
              f"runtime stop: the app ends the session and leaves at EXITING ({code}, {states[-3:]})")


def test_ctrl_c_in_idle(stoa, src, out):
    """The hang the issue describes: Ctrl-C while the session is IDLE."""
    code, log, summary, took = run(stoa, src, out, "sigint-idle", "hold: idle\n",
                                   realtime=True, sigint_after=3.0)
    if code is None:
        return
    check(code == 0 and took < 15 and not misuse(summary),
          f"Ctrl-C in IDLE: ends in {took:.1f} s with exit code {code}, refused: {misuse(summary)}")


def test_losses(stoa, src, out):
    """Session loss and instance loss are told apart and both survived."""
    code, log, summary, _ = run(stoa, src, out, "lose-session",
                                "events:\n  - {t: 0.5, do: lose_session}\n  - {t: 2.0, do: exit}\n")
    if code is not None:
        check(code == 0 and summary.get("sessions", 0) >= 2 and "1 session losses" in log and
              "0 headset rebuilds" in log,
              f"session lost: a new session, no rebuild of the instance ({code}, sessions "
              f"{summary.get('sessions')}, {log.strip()[-300:]})")
    code, log, summary, _ = run(stoa, src, out, "lose-instance",
                                "events:\n  - {t: 0.5, do: lose_instance}\n  - {t: 2.0, do: exit}\n")
    if code is not None:
        check(code == 0 and "OpenXR instance was lost" in log and
              summary.get("states", [])[-1:] == ["XR_SESSION_STATE_EXITING"],
              f"instance lost: a new instance and device, then a clean exit ({code}, "
              f"{summary.get('states', [])[-2:]}, {log.strip()[-300:]})")


def test_lesson_cannot_start(stoa, src, out):
    """A lesson whose scene is missing: the error ends nothing but the load
    (stoa run cannot show anything for it at start: a clear error)."""
    d = os.path.join(out, "bad-lesson")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    lesson = os.path.join(d, "missing-scene.yaml")
    with open(lesson, "w") as f:
        f.write("stoa_lesson: 1\nid: test.missing\ntitle: {en: Missing}\nlanguages: [en]\n"
                "scene: nowhere.glb\nstart: a\nstates:\n  a:\n    title: {en: A}\n"
                "    on_enter:\n      - end: completed\n")
    r = subprocess.run([stoa, "run", "--sim", lesson], capture_output=True, text=True, timeout=HANG_S,
                       env=dict(os.environ, STOA_AUDIO_SILENT="1"))
    check(r.returncode != 0 and "nowhere.glb" in r.stderr,
          f"a missing scene at start is one clear error naming the file ({r.stderr.strip()[-200:]})")


def main():
    stoa, src, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    test_exit_paths(stoa, src, out)
    test_stopped_by_runtime(stoa, src, out)
    test_ctrl_c_in_idle(stoa, src, out)
    test_losses(stoa, src, out)
    test_lesson_cannot_start(stoa, src, out)
    print(f"{len(PASSES)} passed, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
