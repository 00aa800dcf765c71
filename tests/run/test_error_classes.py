#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The error classes of docs/learner-runtime.md that test_session_paths.py
does not take, end to end on xrsim with a classroom hub:

- drop one frame: frame 160's per-frame buffer is "full" (STOA_GFX_FAULT=
  frame-full@160, the path a real overflow takes). The frame is dropped (the
  headset gets it without a layer), the session goes on in the same OpenXR
  session and the lesson plays on, never suspended; the drop is counted and
  logged; the hub sees no pause and no error.
- Vulkan device loss: frame 100's submit reports VK_ERROR_DEVICE_LOST
  (STOA_GFX_FAULT=device-lost@100). Policy: class "instance", the OpenXR
  instance and the Vulkan device are made again. The lesson is suspended
  (reason session-lost) and resumed, frames go on, the run ends cleanly;
  the hub receives suspended and resumed.
- the system pause source: xrsim holds the session at VISIBLE (the runtime
  has taken focus) from 8 s to 14 s. The lesson pauses (the hub sees
  `paused`); the teacher pauses meanwhile; when focus comes back the
  teacher's pause still holds, and only the teacher's resume resumes.

usage: test_error_classes.py STOA HUB_DRIVER SOURCE_DIR OUT_DIR [drop|device|system...]
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from class_common import FAILS, PASSES, Proc, check  # noqa: E402  (shared by the run tests)
from class_hub import hub_ready, start_hub  # noqa: E402  (the hub and its signed-in client)

VERB = re.compile(r"/([a-z-]+)$")


def statements(hub, registration=None):
    """Verbs of the statements the hub holds (oldest first), e.g. 'suspended'."""
    req = urllib.request.Request(hub.url + "/xapi/statements?limit=500")
    req.add_header("X-Experience-API-Version", "1.0.3")
    with hub.opener.open(req, timeout=10) as r:
        body = json.loads(r.read() or b"{}")
    out = []
    for s in body.get("statements", []):
        reg = s.get("context", {}).get("registration")
        if registration and reg != registration:
            continue
        m = VERB.search(s.get("verb", {}).get("id", ""))
        out.append((s.get("timestamp", ""), m.group(1) if m else "?", s))
    return [v for _, v, _ in sorted(out, key=lambda t: t[0])]


def trace_verbs(trace_dir):
    verbs = []
    for name in sorted(os.listdir(trace_dir)) if os.path.isdir(trace_dir) else []:
        with open(os.path.join(trace_dir, name)) as f:
            for line in f:
                try:
                    m = VERB.search(json.loads(line).get("verb", {}).get("id", ""))
                except ValueError:
                    continue
                verbs.append(m.group(1) if m else "?")
    return verbs


def headset(name, stoa, src, out, url, code, script, env_extra, args):
    d = os.path.join(out, name)
    os.makedirs(d)
    env = dict(os.environ, STOA_XRSIM_SCRIPT=script, STOA_AUDIO_SILENT="1", STOA_LOG="info",
               STOA_XRSIM_EYE_SIZE="64x64", STOA_PIPELINE_CACHE="off",
               XDG_STATE_HOME=os.path.join(d, "state"),
               STOA_XRSIM_SUMMARY=os.path.join(d, "summary.json"), **env_extra)
    lesson = os.path.join(src, "scenes/agora/lessons/stoa-poikile.yaml")
    cmd = [stoa, "run", lesson, "--sim", "--hub", url, "--join", code, "--device", name,
           "--traces", os.path.join(d, "traces")] + args
    return Proc(cmd, env, os.path.join(d, "log.txt")), d


def finish(p, timeout):
    try:
        p.p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.p.kill()
        p.p.wait()
        return None
    time.sleep(0.3)  # the reader thread takes the last lines
    return p.p.returncode


def status(hub, name):
    """The headset called `name` as the hub's roster shows it ({} when absent)."""
    for h in hub._call("GET", "/api/state").get("headsets", []):
        if h.get("name") == name:
            return h
    return {}


def wait_status(hub, name, pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        h = status(hub, name)
        if h and pred(h):
            return h
        time.sleep(0.1)
    return status(hub, name)


def launch(hub, name, p, what):
    """A hub's headset waits in its lobby: the teacher launches the lesson on
    it once it is online, and the lesson's first state begins."""
    h = wait_status(hub, name, lambda h: h.get("connected"), 40)
    ok = bool(h.get("connected")) and "id" in h
    if ok:
        hub.command("launch", lesson="stoa-poikile.yaml", targets=[h["id"]])
        ok = p.wait_for(r"stoa run: state \w+", 40) is not None
    check(ok, f"{what}: the headset joins, waits in its lobby and starts the launched lesson")
    return ok


def watch_hub(hub, name, p, seconds_max):
    """Polls the headset's status on the hub until the run ends: what it saw."""
    seen = {"paused": False, "error": None}
    end = time.monotonic() + seconds_max
    while p.p.poll() is None and time.monotonic() < end:
        h = status(hub, name)
        seen["paused"] |= bool(h.get("paused"))
        seen["error"] = seen["error"] or h.get("error")
        time.sleep(0.1)
    return seen


def still_script(out):
    """A learner who stands and looks: the lesson's first state plays on."""
    script = os.path.join(out, "still.yaml")
    with open(script, "w") as f:
        f.write("display: {eye_width: 64, eye_height: 64, refresh_hz: 20}\n"
                "head:\n  - {t: 0.0, position: [0, 1.7, 0]}\n")
    return script


def test_drop_frame(stoa, src, out, hub, url, code):
    p, d = headset("drop-frame", stoa, src, out, url, code, still_script(out),
                   {"STOA_GFX_FAULT": "frame-full@160", "STOA_XRSIM_FRAMES": "240"},
                   ["--max-seconds", "60"])
    # Paced at the script's 20 Hz: the fault (frame 160, 8 s) comes after
    # the launch has started the lesson.
    if not launch(hub, "drop-frame", p, "drop a frame"):
        finish(p, 30)
        return
    seen = watch_hub(hub, "drop-frame", p, 60)
    rc = finish(p, 30)
    log = p.text()
    check(rc == 0, f"drop a frame: the run ends cleanly ({rc}: {log[-300:]})")
    check("a frame was dropped (limit exceeded): gfx: frame ring buffer is full" in log and
          "1 frames dropped" in log,
          "drop a frame: logged once with its code and counted in the report")
    check("0 headset rebuilds" in log and "0 session losses" in log,
          "drop a frame: no rebuild, no session loss")
    summary = json.load(open(os.path.join(d, "summary.json")))
    frames = summary.get("frames", {})
    per = frames.get("layers_per_frame", {})
    check(summary.get("sessions") == 1 and frames.get("submitted", 0) >= 240 and
          per.get("0", 0) >= 1 and per.get("1", 0) >= 200,
          f"drop a frame: the headset got one frame without a layer and the rest drawn, in one "
          f"session ({summary.get('sessions')} sessions, {frames})")
    verbs = trace_verbs(os.path.join(d, "traces"))
    # The last pause is the session's stop (xrsim's frame count: the runtime
    # takes focus, a system pause), not the dropped frame.
    check("suspended" not in verbs[:-2] and verbs[-1:] == ["terminated"] and
          "experienced" in verbs,
          f"drop a frame: the lesson plays on, not suspended until the session stops ({verbs})")
    check(not seen["paused"] and not seen["error"],
          f"drop a frame: the hub sees no pause and no error ({seen})")
    hv = statements(hub)
    check("terminated" in hv and hv.count("suspended") <= 1,
          f"drop a frame: the hub holds the run's statements, no suspension but the stop's ({hv})")


def test_device_lost(stoa, src, out, hub, url, code):
    before = len(statements(hub))
    p, d = headset("device-lost", stoa, src, out, url, code, still_script(out),
                   {"STOA_GFX_FAULT": "device-lost@100",
                    "STOA_XRSIM_FRAMES": "140"},  # per session: 100 + 140 in all
                   ["--max-seconds", "90"])
    if not launch(hub, "device-lost", p, "device lost"):
        finish(p, 30)
        return
    rc = finish(p, 100)
    log = p.text()
    check(rc == 0, f"device lost: the run ends cleanly ({rc}: {log[-300:]})")
    check("device lost: Vulkan: vkQueueSubmit failed" in log and "starting the headset again" in log and
          "1 headset rebuilds" in log,
          "device lost: told apart by its code; the instance and the device are made again")
    m = re.search(r"stoa run: (\d+) frames", log)
    check(m is not None and int(m.group(1)) >= 200,
          f"device lost: frames go on after the rebuild ({m.group(1) if m else None} frames)")
    verbs = trace_verbs(os.path.join(d, "traces"))
    sus = verbs.index("suspended") if "suspended" in verbs else -1
    check(sus >= 0 and "resumed" in verbs[sus:] and verbs[-1] == "terminated",
          f"device lost: the lesson is suspended and resumed, and ends as the run does ({verbs})")
    hv = statements(hub)[before:]
    check("suspended" in hv and "resumed" in hv,
          f"device lost: the hub receives suspended and resumed ({hv})")


def test_system_pause(stoa, src, out, hub, url, code):
    script = os.path.join(out, "system.yaml")
    with open(script, "w") as f:
        f.write("display: {eye_width: 64, eye_height: 64, refresh_hz: 20}\n"
                "head:\n  - {t: 0.0, position: [0, 1.7, 0]}\n"
                "events:\n  - {t: 8.0, hold: visible}\n  - {t: 14.0, hold: none}\n")
    # Real time (missed display periods skipped): the teacher acts while
    # xrsim holds VISIBLE, however slowly the machine renders.
    p, d = headset("system-pause", stoa, src, out, url, code, script,
                   {"STOA_XRSIM_REALTIME": "1"}, ["--max-seconds", "30"])
    try:
        if not launch(hub, "system-pause", p, "system pause"):
            return
        at = p.wait_for(r"paused by the headset \(system\)", 30)
        check(at is not None, "system pause: the lesson pauses when the runtime takes focus")
        h = wait_status(hub, "system-pause", lambda h: h.get("paused"), 5)
        check(h.get("paused") is True, f"system pause: the hub sees the headset paused ({h.get('paused')})")
        hub.command("pause")
        lifted = p.wait_for(r"pause lifted by the headset \(system\); another pause still holds",
                            20, at)
        check(lifted is not None,
              "system pause: focus comes back (14 s) and the teacher's pause still holds")
        time.sleep(1.0)
        h = status(hub, "system-pause")
        check(h.get("paused") is True,
              f"system pause: the hub still sees it paused after focus came back ({h.get('paused')})")
        hub.command("resume")
        h = wait_status(hub, "system-pause", lambda h: h.get("paused") is False, 5)
        check(h.get("paused") is False, "system pause: the teacher's resume resumes")
    finally:
        if p.p.poll() is None:
            p.p.send_signal(signal.SIGINT)  # done: Ctrl-C ends it
        rc = finish(p, 40)
    check(rc == 0, f"system pause: the run ends cleanly ({rc}: {p.text()[-300:]})")
    verbs = trace_verbs(os.path.join(d, "traces"))
    sus = verbs.index("suspended") if "suspended" in verbs else -1
    check(sus >= 0 and "resumed" in verbs[sus:] and verbs[sus + 1:].index("resumed") >= 0 and
          "suspended" not in verbs[sus + 1:verbs.index("resumed", sus)],
          f"system pause: the trace holds one suspension, resumed by the teacher ({verbs})")


def main():
    stoa, hub_bin, src, out = sys.argv[1:5]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    env = dict(os.environ, XDG_STATE_HOME=os.path.join(out, "state"))
    hub_p, url = start_hub(stoa, out, os.path.join(src, "scenes/agora/lessons"), env,
                           hub_cmd=[hub_bin])
    try:
        code, hub = hub_ready(hub_p, url)
        if not hub:
            return
        wanted = sys.argv[5:] or ["drop", "device", "system"]
        if "drop" in wanted:
            test_drop_frame(stoa, src, out, hub, url, code)
        if "device" in wanted:
            test_device_lost(stoa, src, out, hub, url, code)
        if "system" in wanted:
            test_system_pause(stoa, src, out, hub, url, code)
    finally:
        if hub_p.p.poll() is None:
            hub_p.p.kill()
        print(f"{len(PASSES)} passed, {len(FAILS)} failed")
        sys.exit(1 if FAILS or not PASSES else 0)


if __name__ == "__main__":
    main()
