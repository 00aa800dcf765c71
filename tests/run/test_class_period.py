#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A class period on three simulated headsets (`stoa run [LESSON] --sim
--hub`) against the protocol stand-in (class_standin.py), for the parts of
the class-period protocol the real hub does not speak yet: the roster,
named learners (teacher-assigned sign-in, a refused sign-in, a swap without
restarting), `launch` with `files` (the scene is not on two of the headsets:
fetched by SHA-256 into the content cache, never twice), the result after
each lesson, a headset killed mid-lesson that comes back by itself with its
learner, and the teacher's message with the time it stays up.

Checked at the end: every statement any headset wrote reached the hub, once
per id, under the run it was written in; signed-in runs carry the learner's
id as the actor's account (under the hub's address) and no name; no
`stoa run` exited. Prints the time from each launch to the headset being in
the lesson, and from a restart to being online again.

usage: test_class_period.py STOA SOURCE_DIR OUT_DIR [SCENE]
SCENE: the lessons' scene (default the agora; CI gives a small generated box,
which draws fast on a software renderer).
"""
import glob
import os
import shutil
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from class_common import (FAILS, PASSES, Proc, by_registration, check, fresh, headset_env,  # noqa: E402
                          write_lessons, written)
from class_standin import StandIn, sha256_file  # noqa: E402

ANA, LI, SAM = ("6f1c2a8e-0d3b-4c55-9a77-1e2f3a4b5c6d", "0b8f6f64-2f55-4e39-9a0c-4b1c2b0d6a11",
                "c3d4e5f6-a7b8-4c9d-8e0f-112233445566")
LEARNERS = [dict(learner_id=ANA, name="Ana", number="1"),
            dict(learner_id=LI, name="李伟", number="2", pin="1234"),
            dict(learner_id=SAM, name="Sam", number="3")]
FILES = ["scene/scene.glb"]


def main():
    stoa, src, out = sys.argv[1:4]
    scene = sys.argv[4] if len(sys.argv) > 4 else os.path.join(src, "scenes/agora/agora.glb")
    fresh(out)
    lib = os.path.join(out, "library")
    os.makedirs(os.path.join(lib, "scene"))
    shutil.copy(scene, os.path.join(lib, "scene", "scene.glb"))
    write_lessons(lib, FILES[0])
    hub = StandIn(lib, learners=LEARNERS).start()
    names = ("hs1", "hs2", "hs3")
    heads, launch_s = {}, []

    def start(n):
        # hs2 starts with a lesson (its scene, dimmed, is the lobby's); the
        # others with none (a calm generated scene): their scene comes by transfer.
        cmd = [stoa, "run"] + ([os.path.join(lib, "wait.yaml")] if n == "hs2" else []) + [
            "--sim", "--hub", hub.url, "--join", hub.join_code, "--device", n,
            "--traces", os.path.join(out, n, "traces"), "--max-seconds", "300"]
        cap = os.path.join(out, n, "capture") if n == "hs1" else None
        heads[n] = Proc(cmd, headset_env(os.environ, out, n, cap, "160x160" if cap else "64x64"),
                        os.path.join(out, n + ".log"))

    def phase(n):
        d = hub.device(n)
        return d.status.get("phase") if d else None

    def wait_phase(ns, want, timeout):
        return hub.wait(lambda: all(phase(n) == want for n in ns), timeout)

    def went_through(ns, want, since, timeout):
        """Each headset reported `want` after `since` (monotonic), its status if so."""
        def seen(n):
            return [st for t, st in hub.device(n).statuses if t >= since and st.get("phase") == want]
        ok = hub.wait(lambda: all(seen(n) for n in ns), timeout)
        return ok, {n: (seen(n) or [None])[-1] for n in ns}

    def launch(ns, lesson, files=FILES):
        regs, t0 = {}, time.monotonic()
        for n in ns:
            regs[n] = hub.launch(n, lesson, files=files)
        for n in ns:
            # Any status since the launch counts, not only the newest: a
            # one-second lesson may be over before the test looks again.
            def entered():
                return next((t for t, st in hub.device(n).statuses
                             if t >= t0 and st.get("registration") == regs[n]
                             and st.get("phase") == "lesson"), None)
            ok = hub.wait(lambda: entered() is not None, 120)
            check(ok, f"{n}: in lesson {lesson} under the launch's registration")
            if ok:
                launch_s.append(entered() - t0)
        return regs

    try:
        t0 = time.monotonic()
        for n in names:
            start(n)
        check(wait_phase(names, "lobby", 90), "three headsets join and wait in the lobby")
        print(f"FIGURES join to lobby: {time.monotonic() - t0:.1f} s for all three")
        check(all(not glob.glob(os.path.join(out, n, "traces", "*.jsonl")) for n in names),
              "no lesson starts on joining (no trace written)")
        for n in names:
            hub.send_class(n)
        check(all(heads[n].wait_for(r"class roster: 3 learners", 60) for n in names),
              "the class's roster reaches each lobby")
        hub.assign("hs1", ANA)
        hub.assign("hs2", LI)
        check(hub.wait(lambda: hub.device("hs1").status.get("learner_id") == ANA
                       and hub.device("hs2").status.get("learner_id") == LI, 30),
              "teacher-assigned sign-ins: the headsets report their learners")
        hub._send(hub.device("hs3"), dict(t="signin_refused", learner_id=SAM, why="bad_pin"))
        check(heads["hs3"].wait_for(r"sign-in refused: bad_pin", 30) is not None,
              "a refused sign-in is shown in the lobby")

        # Lesson A on all three; hs1 and hs3 lack its scene: transferred.
        regs_a = launch(names, "wait.yaml")
        agora = sha256_file(os.path.join(lib, FILES[0]))
        gets = hub.content_gets.count(agora)
        check(gets == 3, f"the scene is fetched by hash once per headset cache ({gets})")
        seen = [st for _, st in hub.device("hs1").statuses if "transfer" in st]
        check(bool(seen) and seen[-1]["transfer"]["total"] == os.path.getsize(
            os.path.join(lib, FILES[0])), f"the transfer's progress is in status ({seen[-1:] })")
        hub.command("hs1", "message", text="Look at the columns, please.")
        check(hub.wait(lambda: hub.device("hs1").status.get("message_s", 0) > 5, 20),
              "the teacher's message is up, and for how long is told")
        check(hub.wait(lambda: all(hub.device(n).status.get("state") == "b" for n in names), 60),
              "lesson A reaches its second state on every headset")
        since = time.monotonic()
        for n in names:
            hub.command(n, "end")
        ok, last = went_through(names, "result", since, 60)
        check(ok, "the teacher's end: every headset shows its result")
        res = (last["hs1"] or {}).get("result")
        check(res == {"completed": False, "success": None, "score": None}, f"the result is told ({res})")
        prog = (last["hs1"] or {}).get("progress")
        check(prog is not None and abs(prog - 1 / 3) < 1e-6,
              f"a lesson ended by the teacher keeps the progress where it stopped ({prog})")
        check(wait_phase(names, "lobby", 60), "then back to the lobby")

        # A launch whose file the hub cannot send: told, and the lobby stays.
        bad = dict(lesson="wait.yaml", lesson_id="wait", registration=str(uuid.uuid4()),
                   sha256=sha256_file(os.path.join(lib, "wait.yaml")))
        hub.command("hs3", "launch", files=[dict(path="scene/gone.glb", sha256="0" * 64, size=10)], **bad)
        check(hub.wait(lambda: "404" in (hub.device("hs3").status.get("error") or ""), 30)
              and phase("hs3") == "lobby", f"a failed launch is told as error, the headset stays in "
                                             f"the lobby ({hub.device('hs3').status.get('error')!r})")
        hub.command("hs3", "launch", files=[dict(path="../escape.glb", sha256="0" * 64, size=10)], **bad)
        check(hub.wait(lambda: "refused" in (hub.device("hs3").status.get("error") or ""), 30),
              "a file named outside the lesson's folder is refused")

        # Lesson B (ends by itself): nothing fetched again.
        since = time.monotonic()
        regs_b = launch(names, "short.yaml")
        ok, last = went_through(names, "result", since, 90)
        check(ok, "lesson B ends by itself: the result")
        check(((last["hs2"] or {}).get("result") or {}).get("completed") is True,
              "a completed lesson's result says so")
        check(wait_phase(names, "lobby", 60), "and the lobby again")
        check(hub.content_gets.count(agora) == 3, "a file the cache holds is not sent again")

        # hs2 is switched off mid-lesson and on again: it rejoins by itself.
        regs_k = launch(["hs2"], "wait.yaml")
        heads["hs2"].wait_for(r"state b", 60)
        time.sleep(1)
        heads["hs2"].kill()
        t1 = time.monotonic()
        start("hs2")
        online = hub.wait(lambda: hub.device("hs2").welcomes >= 2 and phase("hs2") == "lobby", 60)
        check(online, "a headset switched off and on rejoins with its token, in the lobby")
        print(f"FIGURES restart to online: {time.monotonic() - t1:.1f} s")
        check(hub.wait(lambda: hub.device("hs2").status.get("learner_id") == LI, 30),
              "and its learner is signed in again")

        # The next learner takes hs1: signed out and in, no restart.
        hub.signout("hs1")
        check(heads["hs1"].wait_for(r"signed out", 30) is not None, "hs1 signs out")
        hub.assign("hs1", SAM)
        check(hub.wait(lambda: hub.device("hs1").status.get("learner_id") == SAM, 30),
              "the next learner signs in on the same headset")
        regs_s = launch(["hs1"], "short.yaml")
        check(wait_phase(["hs1"], "lobby", 90), "the new learner's lesson runs and ends")
        time.sleep(2)
        alive = {n: heads[n].alive() for n in names}
        check(all(alive.values()), f"no stoa run exited ({alive})")

        # What crossed the wire.
        for n in names:
            heads[n].stop()
        want_actor = {regs_a["hs1"]: ANA, regs_b["hs1"]: ANA, regs_s["hs1"]: SAM,
                      regs_a["hs2"]: LI, regs_b["hs2"]: LI, regs_k["hs2"]: LI}
        for n in names:
            w = written(os.path.join(out, n, "traces"))
            stored = {sid for sid, (_, dev) in hub.statements.items() if dev == hub.device(n).id}
            regs = by_registration(w)
            bad_reg = [sid for sid, st in w.items() if hub.statements.get(sid, ({}, 0))[0].get(
                "context", {}).get("registration") != st.get("context", {}).get("registration")]
            print(f"FIGURES {n}: " + "; ".join(f"{r[:8]}: {len(s)} written, "
                                             f"{len([x for x in s if x['id'] in stored])} stored"
                                             for r, s in regs.items()))
            check(set(w) <= stored and not bad_reg,
                  f"{n}: every statement written ({len(w)}) is at the hub, under its run")
            actors_ok = all(st["actor"]["account"]["name"] == want_actor[r]
                            and st["actor"]["account"]["homePage"] == hub.url
                            for r, sts in regs.items() if r in want_actor for st in sts)
            check(actors_ok, f"{n}: a signed-in learner's runs carry their id as the actor")
            text = "".join(open(p).read() for p in glob.glob(os.path.join(out, n, "traces", "*")))
            check("Ana" not in text and "李伟" not in text and '"name":"Sam"' not in text,
                  f"{n}: no learner's name in the traces")
        caps = sorted(glob.glob(os.path.join(out, "hs1", "capture", "*.png")))
        if caps:
            shutil.copy(caps[0], os.path.join(out, "lobby.png"))
        check(bool(caps), f"the lobby was captured ({out}/lobby.png)")
        if launch_s:
            print(f"FIGURES launch to lesson: min {min(launch_s):.2f} s, max {max(launch_s):.2f} s "
                  f"over {len(launch_s)} launches (3 of them with the scene transferred)")
    finally:
        for p in heads.values():
            p.kill()
        hub.stop()
        print(f"{len(PASSES)} passed, {len(FAILS)} failed")
        sys.exit(1 if FAILS or not PASSES else 0)


if __name__ == "__main__":
    main()
