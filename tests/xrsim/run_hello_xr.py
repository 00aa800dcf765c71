#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs Khronos hello_xr on xrsim and checks what the simulated headset saw.

hello_xr quits on a key press and at end of input, so its stdin is a pipe
this script holds open; the runtime ends the session (STOA_XRSIM_FRAMES or a
scripted exit). Checks: clean exit, the summary (frames, states, no app
errors), the captures (cubes in both eyes, horizontal parallax, sRGB
background) and, with --validation, no OpenXR or Vulkan validation message.
"""
import argparse
import json
import os
import re
import subprocess
import sys

STATES = ["IDLE", "READY", "SYNCHRONIZED", "VISIBLE", "FOCUSED", "VISIBLE", "SYNCHRONIZED",
          "STOPPING", "IDLE", "EXITING"]
# Validation layers print these for errors and warnings (INFO lines are fine).
BAD = re.compile(r"VUID-|Validation Error|Validation Warning|\bERROR\b|\bWARNING\b|"
                 r"\[Error|XR_ERROR_|VALID_ERROR|Core Validation Error")
FAILURES = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        FAILURES.append(msg)


def run(args, env, script=None):
    out_dir = os.path.join(args.workdir, f"{args.graphics}-{args.mode}-{args.validation}")
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, f))
    env = dict(env)
    env.update({
        "XR_RUNTIME_JSON": args.manifest,
        "STOA_XRSIM_CAPTURE": out_dir,
        "STOA_XRSIM_CAPTURE_EVERY": "10",
        "STOA_XRSIM_EYE_SIZE": "320x320",
        "STOA_XRSIM_SUMMARY": os.path.join(args.workdir, f"summary-{os.getpid()}.json"),
    })
    if script:
        path = os.path.join(args.workdir, f"script-{os.getpid()}.yaml")
        with open(path, "w") as f:
            f.write(script)
        env["STOA_XRSIM_SCRIPT"] = path
    cmd = [args.hello_xr, "-g", args.graphics, "-v"]
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    # stdin stays open (never written, never closed) until hello_xr has exited.
    try:
        out = proc.stdout.read()  # ends when hello_xr exits and closes stdout
        proc.wait(timeout=45)
    except subprocess.TimeoutExpired:
        proc.kill()
        check(False, "hello_xr finished within 45 s")
        sys.exit(1)
    finally:
        proc.stdin.close()
    return proc.returncode, out, out_dir, env["STOA_XRSIM_SUMMARY"]


def check_capture(args, out_dir, expect_last):
    pngs = sorted(f for f in os.listdir(out_dir) if f.endswith(".png"))
    names = [re.fullmatch(r"frame_(\d{6})_(\d{15})ns\.png", p) for p in pngs]
    check(pngs and all(names), f"captures named frame_NNNNNN_TTTns.png: {pngs}")
    if not pngs or not all(names):
        return
    frames = [int(m.group(1)) for m in names]
    times = [int(m.group(2)) for m in names]
    check(all(f % 10 == 0 for f in frames[:-1]), "captured every 10th frame")
    check(frames[-1] == expect_last, f"last frame {expect_last} captured (got {frames[-1]})")
    check(times == sorted(times) and len(set(times)) == len(times), "display times increase")
    res = subprocess.run([args.eyes, os.path.join(out_dir, pngs[-1])], capture_output=True,
                         text=True)
    check(res.returncode == 0, "capture decodes as PNG")
    m = json.loads(res.stdout)
    half = m["width"] // 2
    left, right = m["left"], m["right"]
    area = half * m["height"]
    print(f"     eyes: {m}")
    check(m["width"] == 640 and m["height"] == 320, "side by side 2 x 320x320")
    check(left["count"] > 0.02 * area and right["count"] > 0.02 * area, "cubes in both eyes")
    # hello_xr clears to linear (0.184, 0.310, 0.310): sRGB-encoded (119, 151, 151).
    check(all(abs(a - b) <= 3 for a, b in zip(left["bg"], [119, 151, 151])),
          f"background is sRGB slate grey (got {left['bg']})")
    parallax = left["cx"] - right["cx"]
    check(parallax > 0.02 * half, f"left eye sees the cubes further right ({parallax:.1f} px)")
    check(abs(left["cy"] - right["cy"]) < 0.01 * m["height"], "no vertical disparity")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hello-xr", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--eyes", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--graphics", choices=["Vulkan", "Vulkan2"], required=True)
    ap.add_argument("--mode", choices=["frames", "script"], default="frames")
    ap.add_argument("--validation", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("STOA_XRSIM_") or k in ("XR_ENABLE_API_LAYERS", "VK_INSTANCE_LAYERS"):
            del env[k]
    # A result outside a function's registry entry aborts hello_xr (xrsim bug).
    env["STOA_XRSIM_STRICT_RESULTS"] = "1"
    if args.validation:
        env["XR_ENABLE_API_LAYERS"] = "XR_APILAYER_LUNARG_core_validation"
        env["VK_INSTANCE_LAYERS"] = "VK_LAYER_KHRONOS_validation"
    script = None
    if args.mode == "frames":
        env["STOA_XRSIM_FRAMES"] = "30"
    else:
        script = ("# the head turns a little, then the simulated user quits\n"
                  "head:\n"
                  "  - {t: 0.0, position: [0, 1.7, 0], yaw: 0}\n"
                  "  - {t: 0.3, position: [0, 1.7, 0], yaw: 5}\n"
                  "events:\n"
                  "  - {t: 0.3, do: exit}\n")
    rc, out, out_dir, summary_path = run(args, env, script)
    check(rc == 0, f"hello_xr exit status 0 (got {rc})")
    if rc != 0 or args.validation:
        print(out[-6000:])
    with open(summary_path) as f:
        summary = json.load(f)
    states = [s.replace("XR_SESSION_STATE_", "") for s in summary["states"]]
    check(states == STATES, f"session states {states}")
    check(summary["errors"] == [], f"no app errors: {summary['errors']}")
    check(summary["registry_violations"] == 0,
          "every result xrsim gave is in its function's registry entry")
    submitted = summary["frames"]["submitted"]
    if args.mode == "frames":
        check(submitted == 30, f"30 frames submitted (got {submitted})")
        check(summary["exit_reason"] == "STOA_XRSIM_FRAMES", "ended by STOA_XRSIM_FRAMES")
    else:
        # t = 0.3 s at 90 Hz is frame 28 (t = 0 is frame 1).
        check(26 <= submitted <= 30, f"about 28 frames before the scripted exit (got {submitted})")
        check(summary["exit_reason"] == "script exit", "ended by the script")
    check(summary["frames"]["dropped"] == 0, "no dropped frames")
    check_capture(args, out_dir, submitted)
    if args.validation:
        bad = [l for l in out.splitlines() if BAD.search(l)]
        check(not bad, "no validation errors or warnings:\n" + "\n".join(bad[:20]))
        check("VK_LAYER_KHRONOS_validation" in out, "Vulkan validation layer was loaded")
        check("Core Validation" in out, "OpenXR core validation layer was loaded")
    print(f"{len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
