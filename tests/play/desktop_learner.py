# SPDX-License-Identifier: Apache-2.0
"""A scripted desktop learner for `stoa play`: real X input events (xdotool,
XTEST) into the play window under Xvfb. It knows the scene's geometry (the
.glb's node bounds) and where it looks (the mouse it moved: 0.0025 rad per
pixel, runtime/play/play.c's LOOK_RAD_PER_PX), and checks each aim against the
interaction events `stoa play --events` writes."""
import json
import math
import os
import queue
import subprocess
import threading
import time

LOOK_RAD_PER_PX = 0.0025
STEP_PX = 160  # one step at a time, inside a 480x360 window from its centre
EYE_HEIGHT = 1.6


def xdo(*args):
    subprocess.run(["xdotool"] + [str(a) for a in args], check=True, timeout=20)


class Learner:
    def __init__(self, stoa, lesson, out_dir, extra=(), size="640x480", verb="play"):
        self.out = out_dir
        self.events_path = os.path.join(out_dir, "events.jsonl")
        self.traces = os.path.join(out_dir, "traces")
        cmd = [stoa, verb, lesson, "--size", size, "--traces", self.traces,
               "--events", self.events_path, "--max-seconds", "360"] + list(extra)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.lines = queue.Queue()
        self.stdout = []
        self.stderr = []
        threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout, True),
                         daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr, False),
                         daemon=True).start()
        self.states = []
        # Where the learner is: the rig (world) and the head in it.
        self.rig = [0.0, 0.0, 0.0]
        self.rig_yaw = 0.0
        self.head = [0.0, EYE_HEIGHT, 0.0]
        self.yaw = 0.0
        self.pitch = 0.0
        self.events_seen = 0
        self.look = (0.0, 0.0)  # the last `stoa play: looking` line's yaw and pitch
        self.look_n = 0
        self.frame = None  # the last `stoa play: frame N` (None: none seen yet)

    def _read(self, f, keep, to_queue):
        for line in f:
            # (not the closing "stoa play: frame path: ..." summary)
            if to_queue and line.startswith("stoa play: frame ") and line.split()[-1].isdigit():
                self.frame = int(line.split()[-1])  # neither kept nor queued: one a frame
                continue
            keep.append(line)
            if to_queue and line.startswith("stoa play: looking yaw "):
                w = line.split()
                self.look = (float(w[4]), float(w[6]))
                self.look_n += 1
            if to_queue:
                self.lines.put(line.rstrip("\n"))

    def wait_line(self, pred, timeout):
        end = time.time() + timeout
        while time.time() < end:
            try:
                line = self.lines.get(timeout=max(0.05, end - time.time()))
            except queue.Empty:
                break
            if line.startswith("stoa run: state "):
                self.states.append(line.split()[-1])
            if pred(line):
                return line
        return None

    def wait_frames(self, n=2, timeout=60):
        """Until n more frames are on screen (`stoa play: frame N`, with
        --events): what was sent before shows in a screenshot taken then,
        however slow the frames. An older stoa play: a second's wait."""
        if self.frame is None:
            time.sleep(1.0)
            return
        want, end = self.frame + n, time.time() + timeout
        while self.frame < want and time.time() < end and self.proc.poll() is None:
            time.sleep(0.02)

    def wait_state(self, name, timeout=40, fresh=False):
        """Waits for state name (fresh: a new entry, not one seen before)."""
        if name in self.states and not fresh:
            return True
        return self.wait_line(lambda l: l == "stoa run: state " + name, timeout) is not None

    def focus(self):
        wid = subprocess.run(["xdotool", "search", "--sync", "--name", "Stoa play"],
                             capture_output=True, text=True, timeout=30).stdout.split()[0]
        # Away from the screen's edges: the pointer must not stop at one
        # before the window re-centres it.
        xdo("windowmove", "--sync", wid, 192, 144)
        xdo("windowfocus", "--sync", wid)
        self.wid = wid

    # ---- looking -------------------------------------------------------------
    def eye(self):
        c, s = math.cos(self.rig_yaw), math.sin(self.rig_yaw)
        hx, hy, hz = self.head
        return [self.rig[0] + c * hx + s * hz, self.rig[1] + hy, self.rig[2] - s * hx + c * hz]

    def turn(self, dyaw, dpitch):
        """Turns the head by mouse motion, one step at a time: after each,
        `stoa play --events` says where the head looks (`stoa play: looking
        yaw A pitch B`, the frame after the motion), so motion a slow frame
        lost (the pointer stopped at the window's edge) is made up by the
        next step. Without that line (an older stoa play): dead reckoning."""
        want_yaw = self.yaw + dyaw
        want_pitch = max(-1.5, min(1.5, self.pitch + dpitch))
        for _ in range(40):
            dx = round(-(want_yaw - self.yaw) / LOOK_RAD_PER_PX)
            dy = round(-(want_pitch - self.pitch) / LOOK_RAD_PER_PX)
            if not dx and not dy:
                return
            sx = max(-STEP_PX, min(STEP_PX, dx))
            sy = max(-STEP_PX, min(STEP_PX, dy))
            seen = self.look_n
            xdo("mousemove_relative", "--", sx, sy)
            end = time.time() + 15
            while self.look_n == seen and time.time() < end:
                time.sleep(0.02)
            if self.look_n == seen:  # no answer: trust the step
                self.yaw -= sx * LOOK_RAD_PER_PX
                self.pitch -= sy * LOOK_RAD_PER_PX
            else:
                self.yaw, self.pitch = self.look

    def look_at(self, p):
        e = self.eye()
        d = [p[i] - e[i] for i in range(3)]
        want_world_yaw = math.atan2(-d[0], -d[2])
        want_pitch = math.atan2(d[1], math.hypot(d[0], d[2]))
        dyaw = want_world_yaw - (self.rig_yaw + self.yaw)
        dyaw = (dyaw + math.pi) % (2 * math.pi) - math.pi
        self.turn(dyaw, want_pitch - self.pitch)

    # ---- walking -------------------------------------------------------------
    def walk_to(self, x, z, speed=1.4, within=0.2):
        """Walks to (x, z) without turning: W/S for the part ahead or behind,
        A/D for the part aside, each held as long as its distance takes; then
        reads where the walk ended (`stoa play: stopped at X Y Z yaw A pitch B`:
        a loaded machine's slow frames make a timed walk fall short or long)
        and walks the rest, up to three times. within: how close is close
        enough (a zone: most of its half-width)."""
        for leg in range(4):
            e = self.eye()
            d = math.hypot(x - e[0], z - e[2])
            if d <= within:
                return True
            yaw = self.rig_yaw + self.yaw
            dx, dz = x - e[0], z - e[2]
            ahead = -math.sin(yaw) * dx - math.cos(yaw) * dz
            aside = math.cos(yaw) * dx - math.sin(yaw) * dz
            run = d > 4.0  # a long leg runs (Shift: 3x); a slow frame overshoots it by less than that
            v = speed * (3 if run else 1)
            holds = sorted([(abs(ahead) / v, "w" if ahead > 0 else "s"),
                            (abs(aside) / v, "d" if aside > 0 else "a")])
            holds = [h for h in holds if h[0] >= 0.05]
            if not holds:
                return True
            if run:
                xdo("keydown", "shift")
            for _, key in holds:
                xdo("keydown", key)
            start = time.time()
            for t, key in holds:
                time.sleep(max(0.0, t - (time.time() - start)))
                xdo("keyup", key)
            if run:
                xdo("keyup", "shift")
            line = self.wait_line(lambda l: l.startswith("stoa play: stopped at "), 10)
            if line:  # where it is and where it looks (a mouse step lost to a slow frame)
                w = line.split()
                self.set_eye([float(v) for v in w[4:7]])  # stoa play: stopped at X Y Z yaw A pitch B
                if len(w) >= 11:
                    self.yaw, self.pitch = float(w[8]), float(w[10])
            else:  # an older stoa play: trust the clock
                self.set_eye([x, e[1], z])
        e = self.eye()
        return math.hypot(x - e[0], z - e[2]) <= within

    def set_eye(self, eye):
        """The head in tracking space from where the eye is in the world."""
        dx, dz = eye[0] - self.rig[0], eye[2] - self.rig[2]
        c, s = math.cos(self.rig_yaw), math.sin(self.rig_yaw)
        self.head[0] = c * dx - s * dz
        self.head[2] = s * dx + c * dz

    def teleported(self, x, z, yaw=0.0):
        self.rig = [x, 0.0, z]
        self.rig_yaw = yaw

    # ---- hands ---------------------------------------------------------------
    def click(self, button=1, frames=2, hold=None):
        """Presses and holds the button for `frames` frames (seen by each),
        or for `hold` seconds."""
        xdo("mousedown", button)
        if hold is not None:
            time.sleep(hold)
        else:
            self.wait_frames(frames)
        xdo("mouseup", button)

    def key(self, name):
        xdo("key", name)

    def events(self):
        try:
            with open(self.events_path) as f:
                rows = [json.loads(l) for l in f if l.strip()]
        except FileNotFoundError:
            return []
        return rows

    def wait_event(self, type_, node, timeout=6.0):
        end = time.time() + timeout
        while time.time() < end:
            for e in self.events()[self.events_seen:]:
                if e.get("type") == type_ and e.get("node") == node:
                    return True
            time.sleep(0.2)
        return False

    def hovering(self, node):
        """Whether the right hand's laser is on node now (its last enter/leave)."""
        last = None
        for e in self.events()[self.events_seen:]:
            if e.get("node") == node and e.get("type") in ("hover_enter", "hover_leave"):
                last = e["type"]
        return last == "hover_enter"

    def until(self, pred, frames, timeout=60):
        """pred() checked until it holds or `frames` more frames are on
        screen (an older stoa play without frame lines: 1.2 s)."""
        want = (self.frame or 0) + frames
        end = time.time() + (timeout if self.frame is not None else 1.2)
        while True:
            if pred():
                return True
            if (self.frame is not None and self.frame >= want) or time.time() > end \
                    or self.proc.poll() is not None:
                return pred()
            time.sleep(0.08)

    def aim(self, node, point, frames=3):
        """Looks at point; when the laser is not on node (the walk was a
        little off), searches around it in widening steps. The laser's
        hover event comes in the frame that turned: a few frames without
        it is a miss, however slow the frames."""
        self.mark_events()
        self.look_at(point)
        offsets = [(0, 0)] + [(dy * k, dp * k) for k in (0.03, 0.06, 0.1, 0.15)
                              for dy, dp in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1),
                                             (1, -1), (-1, 1))]
        at = (0.0, 0.0)
        for oy, op in offsets:
            self.turn(oy - at[0], op - at[1])
            at = (oy, op)
            if self.until(lambda: self.hovering(node), frames):
                return True
        return False

    def mark_events(self):
        self.events_seen = len(self.events())

    def screenshot(self, path):
        """The play window as a PNG; None (and a note) when it cannot be taken."""
        try:
            subprocess.run(["import", "-window", self.wid, path], check=True, timeout=30)
            return path
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            print(f"note: no screenshot {path}: {e}", flush=True)
            return None

    def finish(self, timeout=60):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        time.sleep(0.2)
        return self.proc.returncode, "".join(self.stdout), "".join(self.stderr)
