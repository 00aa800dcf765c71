#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`stoa doctor` with each dependency present, removed or broken: the right
line fails (or warns) with the right fix, and the exit status says whether a
lesson can run. Audio uses OpenAL Soft's null backend as "present" and a
backend list naming none as "absent"; Vulkan is made absent by pointing the
loader at a driver manifest that does not exist.

usage: test_doctor.py STOA HUB_DRIVER OUT_DIR
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

PASSES, FAILS = [], []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    (PASSES if cond else FAILS).append(what)


STOA, HUB, OUT = sys.argv[1:4]
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
SIM_MANIFEST = subprocess.run([STOA, "sim-manifest"], capture_output=True, text=True).stdout.strip()

# A machine like a headset PC: the simulated headset active, audio present.
BASE = {k: v for k, v in os.environ.items() if not k.startswith(("XR_", "XDG_CONFIG", "ALSOFT", "VK_"))}
BASE.update(XR_RUNTIME_JSON=SIM_MANIFEST, ALSOFT_DRIVERS="null", HOME=OUT,
            XDG_CONFIG_HOME=os.path.join(OUT, "no-config"), XDG_CONFIG_DIRS=os.path.join(OUT, "no-config"),
            XDG_STATE_HOME=os.path.join(OUT, "state"))


def doctor(*args, **env):
    e = dict(BASE)
    for k, v in env.items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    r = subprocess.run([STOA, "doctor", *args], capture_output=True, text=True, env=e, timeout=120)
    lines = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^(ok  |WARN|FAIL|skip) (\S+)\s+(.*)$", line)
        if m:
            lines[m.group(2)] = (m.group(1).strip(), m.group(3))
    return r.returncode, lines, r


def line_is(lines, check_name, status, *words):
    st, text = lines.get(check_name, ("missing", ""))
    return st == status and all(w in text for w in words), f"{check_name}: {st} {text[:300]}"


# ---- everything present -------------------------------------------------------------
traces = os.path.join(OUT, "traces")
rc, lines, r = doctor("--traces", traces)
check(rc == 0, f"all present: exit 0 ({rc})")
for name in ("openxr", "vulkan", "audio", "fonts", "traces", "versions"):
    ok, why = line_is(lines, name, "ok")
    check(ok, f"all present: {why}")
check(line_is(lines, "openxr", "ok", "Stoa xrsim", "stereo", "blend opaque", "extensions")[0],
      "openxr names the runtime, stereo view configuration, blend modes, extensions")
check(line_is(lines, "audio", "ok", "HRTF on")[0], "audio: output and HRTF on")
check(line_is(lines, "hub", "skip")[0], "hub: skipped without --hub")
check("can run here" in r.stdout, "the last line says a lesson can run")

rc, _, r = doctor("--json", "--traces", traces)
try:
    j = json.loads(r.stdout)
except ValueError:
    j = {}
check(rc == 0 and j.get("lesson_can_run") is True, "--json: lesson_can_run true")
x = j.get("details", {}).get("openxr", {})
check(x.get("form_factor") == "head_mounted_display" and x.get("view_configuration") == "primary_stereo"
      and "opaque" in x.get("blend_modes", []) and "XR_KHR_vulkan_enable2" in x.get("extensions", []),
      f"--json: form factor, view configuration, blend modes, extensions ({x})")
v = j.get("details", {}).get("vulkan", {})
check(isinstance(v.get("multiview"), bool) and v.get("depth_format") and v.get("missing_formats") == "",
      f"--json: multiview and formats ({v})")
vers = j.get("versions", {})
for lib in ("stoa", "OpenXR (headers)", "Vulkan loader", "OpenAL", "libsndfile", "FreeType", "fontconfig",
            "Assimp", "libyaml", "cJSON", "GLFW", "SQLite (hub)"):
    check(bool(vers.get(lib)), f"--json versions: {lib} {vers.get(lib)}")

# ---- no runtime ------------------------------------------------------------------------
rc, lines, r = doctor("--traces", traces, XR_RUNTIME_JSON=None)
check(rc == 1, f"no runtime: exit 1 ({rc})")
check(line_is(lines, "openxr", "FAIL", "no active OpenXR runtime", "fix: install", "stoa run --sim")[0],
      "no runtime: " + line_is(lines, "openxr", "FAIL")[1])
check(line_is(lines, "vulkan", "ok")[0], "no runtime: the other lines are unaffected")
check("cannot run here" in r.stdout, "no runtime: the last line says a lesson cannot run")
# ... but the simulated headset is there.
rc, lines, _ = doctor("--sim", "--traces", traces, XR_RUNTIME_JSON=None)
check(rc == 0 and line_is(lines, "openxr", "ok", "xrsim")[0], "no runtime, --sim: the simulated headset is ok")

# ---- a manifest that points nowhere, and one that is not a manifest -------------------------------
nowhere = os.path.join(OUT, "nowhere.json")
with open(nowhere, "w") as f:
    json.dump({"file_format_version": "1.0.0", "runtime": {"library_path": "./gone/libruntime.so"}}, f)
rc, lines, _ = doctor("--traces", traces, XR_RUNTIME_JSON=nowhere)
check(rc == 1 and line_is(lines, "openxr", "FAIL", os.path.join(OUT, "gone/libruntime.so"), "does not exist",
                          "fix: reinstall the runtime")[0],
      "manifest pointing nowhere: " + line_is(lines, "openxr", "FAIL")[1])
garbage = os.path.join(OUT, "garbage.json")
with open(garbage, "w") as f:
    f.write("this is not json")
rc, lines, _ = doctor("--traces", traces, XR_RUNTIME_JSON=garbage)
check(rc == 1 and line_is(lines, "openxr", "FAIL", "not valid JSON", "XR_RUNTIME_JSON")[0],
      "manifest that is not JSON: " + line_is(lines, "openxr", "FAIL")[1])
# An active_runtime.json (no XR_RUNTIME_JSON) is found the loader's way.
active = os.path.join(OUT, "xdg", "openxr", "1")
os.makedirs(active)
shutil.copy(nowhere, os.path.join(active, "active_runtime.json"))
rc, lines, _ = doctor("--traces", traces, XR_RUNTIME_JSON=None, XDG_CONFIG_HOME=os.path.join(OUT, "xdg"))
check(rc == 1 and line_is(lines, "openxr", "FAIL", "active_runtime.json", "does not exist")[0],
      "active_runtime.json pointing nowhere: " + line_is(lines, "openxr", "FAIL")[1])

# ---- no audio -----------------------------------------------------------------------------
rc, lines, _ = doctor("--traces", traces, ALSOFT_DRIVERS="no-such-backend")
check(rc == 0, f"no audio: a lesson still runs (silently): exit 0 ({rc})")
check(line_is(lines, "audio", "WARN", "no sound output", "fix: connect headphones or speakers")[0],
      "no audio: " + line_is(lines, "audio", "WARN")[1])

# ---- no Vulkan driver ------------------------------------------------------------------------
rc, lines, _ = doctor("--traces", traces, VK_DRIVER_FILES=os.path.join(OUT, "no-icd.json"),
                      VK_ICD_FILENAMES=os.path.join(OUT, "no-icd.json"))
check(rc == 1 and line_is(lines, "vulkan", "FAIL", "no usable Vulkan device", "fix: install the GPU's Vulkan driver")[0],
      "no Vulkan driver: " + line_is(lines, "vulkan", "FAIL")[1])

# ---- fonts ------------------------------------------------------------------------------------
empty = os.path.join(OUT, "no-fonts")
os.makedirs(empty)
rc, lines, _ = doctor("--traces", traces, STOA_FONT_DIR=empty)
check(rc == 1 and line_is(lines, "fonts", "FAIL", "no Latin font", "fix: apt install fonts-dejavu-core")[0],
      "no fonts: " + line_is(lines, "fonts", "FAIL")[1])
latin_only = os.path.join(OUT, "latin-only")
os.makedirs(latin_only)
_, lines, _ = doctor("--traces", traces)
latin = lines.get("fonts", ("", ""))[1].split("Latin ")[-1].split(";")[0]
if os.path.exists(latin):
    os.symlink(latin, os.path.join(latin_only, "DejaVuSans.ttf"))
    rc, lines, _ = doctor("--traces", traces, STOA_FONT_DIR=latin_only)
    check(rc == 0 and line_is(lines, "fonts", "WARN", "no Chinese font", "fix: apt install fonts-wqy-microhei")[0],
          "no Chinese font: " + line_is(lines, "fonts", "WARN")[1])
else:
    check(False, f"the Latin font path is shown ({latin})")

# ---- an unwritable trace folder ------------------------------------------------------------------
a_file = os.path.join(OUT, "a-file")
open(a_file, "w").close()
bad = os.path.join(a_file, "traces")
rc, lines, _ = doctor("--traces", bad)
check(rc == 1 and line_is(lines, "traces", "FAIL", bad, "not writable", "fix: let this user write there")[0],
      "unwritable trace folder: " + line_is(lines, "traces", "FAIL")[1])
if os.getuid() != 0:  # root writes anywhere: a read-only folder only stops others
    ro = os.path.join(OUT, "read-only")
    os.makedirs(ro)
    os.chmod(ro, 0o555)
    rc, lines, _ = doctor("--traces", ro)
    check(rc == 1 and line_is(lines, "traces", "FAIL", "Permission denied")[0],
          "read-only trace folder: " + line_is(lines, "traces", "FAIL")[1])

# ---- the hub -------------------------------------------------------------------------------------
def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


port = free_port()
rc, lines, _ = doctor("--traces", traces, "--hub", f"http://127.0.0.1:{port}")
check(rc == 1 and line_is(lines, "hub", "FAIL", "does not answer", "fix: start the hub")[0],
      "hub not running: " + line_is(lines, "hub", "FAIL")[1])
rc, lines, _ = doctor("--traces", traces, "--hub", "ftp://nowhere")
check(rc == 1 and line_is(lines, "hub", "FAIL", "fix: give the hub's address")[0], "hub URL malformed")

hub_log = open(os.path.join(OUT, "hub.log"), "w+")
hub = subprocess.Popen([HUB, "--listen", f"127.0.0.1:{port}", "--data", os.path.join(OUT, "hub-data"),
                        "--no-browser"], stdout=hub_log, stderr=subprocess.STDOUT)
code = None
for _ in range(100):
    hub_log.seek(0)
    m = re.search(r"class join code (\S+)", hub_log.read())
    if m:
        code = m.group(1)
        break
    time.sleep(0.1)
check(code is not None, "the hub started")
url = f"http://127.0.0.1:{port}"
token = os.path.join(OUT, "token")
rc, lines, _ = doctor("--traces", traces, "--hub", url, "--token", token)
check(rc == 0 and line_is(lines, "hub", "WARN", "has not joined yet", f"--hub {url} --join CODE")[0],
      "hub, never joined: " + line_is(lines, "hub", "WARN")[1])
with open(token, "w") as f:
    f.write("0" * 64 + "\n")
rc, lines, _ = doctor("--traces", traces, "--hub", url, "--token", token)
check(rc == 1 and line_is(lines, "hub", "FAIL", "does not know this headset", f"fix: delete {token}")[0],
      "hub, unknown token: " + line_is(lines, "hub", "FAIL")[1])
req = urllib.request.Request(url + "/api/join", data=json.dumps({"code": code, "device": "doctor"}).encode(),
                             headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=10) as resp:
    with open(token, "w") as f:
        f.write(json.load(resp)["token"] + "\n")
rc, lines, _ = doctor("--traces", traces, "--hub", url, "--token", token)
check(rc == 0 and line_is(lines, "hub", "ok", "knows this headset")[0],
      "hub, joined: " + line_is(lines, "hub", "ok")[1])
hub.terminate()
hub.wait(timeout=30)

# ---- usage --------------------------------------------------------------------------------------
rc, _, r = doctor("--no-such-option")
check(rc == 2 and "usage: stoa doctor" in r.stderr, "an unknown option: exit 2 with the usage")

print(f"\n{len(PASSES)} passed, {len(FAILS)} failed")
sys.exit(1 if FAILS else 0)
