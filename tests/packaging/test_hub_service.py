#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The hub as a service: it reads its configuration file (options win), logs
with sd-daemon priority prefixes when JOURNAL_STREAM names its output (and
then keeps a new password out of the log), reads its lesson library again on
SIGHUP, and on SIGTERM tells connected headsets, commits and stops with exit
status 0. Bad configuration files are refused with file:line.

usage: test_hub_service.py HUB_DRIVER FAKE_HEADSET SOURCE_DIR OUT_DIR
"""
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request

PASSES, FAILS = [], []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    (PASSES if cond else FAILS).append(what)


HUB, HEADSET, SRC, OUT = sys.argv[1:5]
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
ENV = dict(os.environ, STOA_HUB_PASSWORD="correct horse battery")
ENV.pop("JOURNAL_STREAM", None)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def wait_for(path, pattern, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        with open(path, errors="replace") as f:
            text = f.read()
        m = re.search(pattern, text, re.M)
        if m:
            return m
        time.sleep(0.1)
    return None


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read()


# ---- bad configuration files ---------------------------------------------------------
bad_cases = [
    ("listen = 127.0.0.1:1\ncolour = blue\n", r"bad\.conf:2: colour: unknown key"),
    ("# fine\nlisten 127.0.0.1:1\n", r"bad\.conf:2: want 'key = value'"),
    ("joins-per-minute = many\n", r"bad\.conf:1: joins-per-minute: want a whole number"),
    ("browser = perhaps\n", r"bad\.conf:1: browser: want yes or no"),
    ("data =\n", r"bad\.conf:1: data: empty"),
]
for text, pattern in bad_cases:
    conf = os.path.join(OUT, "bad.conf")
    write(conf, text)
    r = subprocess.run([HUB, "--config", conf], capture_output=True, text=True, env=ENV, timeout=30)
    check(r.returncode == 1 and re.search(pattern, r.stdout + r.stderr) is not None,
          f"bad config {text.strip()!r}: exit {r.returncode}, {(r.stdout + r.stderr).strip()[:120]}")
r = subprocess.run([HUB, "--config", os.path.join(OUT, "missing.conf")], capture_output=True, text=True,
                   env=ENV, timeout=30)
check(r.returncode == 1 and "missing.conf: cannot read" in r.stdout + r.stderr, "a missing config file is named")

# ---- a hub from its configuration file, under the journal ---------------------------------
data = os.path.join(OUT, "data")
lessons = os.path.join(OUT, "lessons")
os.makedirs(lessons)
shutil.copy(os.path.join(SRC, "scenes/agora/lessons/stoa-poikile.yaml"), lessons)
write(os.path.join(lessons, "broken.yaml"), "id: broken\nstates: [unclosed\n")
port, unused = free_port(), free_port()
conf = os.path.join(OUT, "hub.conf")
write(conf, f"# the service's settings\nlisten = 127.0.0.1:{unused}\ndata = {data}\n"
            f"lessons = {lessons}   # trailing comment\njoins-per-minute = 20\nbrowser = no\n")
log_path = os.path.join(OUT, "journal.log")
log = open(log_path, "w")
st = os.fstat(log.fileno())
env = dict(os.environ, JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
env.pop("STOA_HUB_PASSWORD", None)  # a new password is generated: it must not reach the log
# --listen on the command line wins over the file's.
hub = subprocess.Popen([HUB, "--config", conf, "--listen", f"127.0.0.1:{port}"], stdout=log,
                       stderr=subprocess.STDOUT, env=env)
m = wait_for(log_path, r"class join code (\S+)")
check(m is not None, "the hub started from its configuration file")
code = m.group(1) if m else ""
url = f"http://127.0.0.1:{port}"
try:
    status, body = get(url + "/")
except OSError as e:
    status, body = 0, str(e).encode()
check(status == 200 and b"<html" in body.lower(), f"the option's port serves the panel ({status})")
check(os.path.exists(os.path.join(data, "hub.sqlite")), "the data folder is the file's")
pw_file = os.path.join(data, "instructor-password")
pw = open(pw_file).read().strip() if os.path.exists(pw_file) else ""
check(len(pw) >= 8 and stat.S_IMODE(os.stat(pw_file).st_mode) == 0o600,
      "under the journal the new password goes to a 0600 file")
with open(log_path) as f:
    text = f.read()
check(pw and pw not in text, "the password is not in the journal")
check(re.search(r"^<5>stoa hub: instructor password written to .*instructor-password", text, re.M) is not None,
      "the journal says where the password is, at priority 5")

# ---- SIGHUP: the lesson library again -------------------------------------------------------------
hub.send_signal(signal.SIGHUP)
m = wait_for(log_path, r"^<4>stoa hub: lesson library read again: 1 lesson \(some skipped")
check(m is not None, "SIGHUP: 1 lesson, the broken one skipped (priority 4)")
check(wait_for(log_path, r"lesson broken\.yaml skipped", 1) is not None, "the skipped lesson is named")
shutil.copy(os.path.join(SRC, "scenes/agora/lessons/zeno-zh.yaml"), lessons)
os.remove(os.path.join(lessons, "broken.yaml"))
hub.send_signal(signal.SIGHUP)
check(wait_for(log_path, r"^<6>stoa hub: lesson library read again: 2 lessons$") is not None,
      "SIGHUP again: the new lesson is in (priority 6)")
check(hub.poll() is None, "the hub is still running after SIGHUP")

# ---- SIGTERM with a headset connected ----------------------------------------------------------------
headset_dir = os.path.join(OUT, "headset")
os.makedirs(headset_dir)
headset = subprocess.Popen([HEADSET, "--hub", url, "--join", code, "--name", "h1", "--dir", headset_dir],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
req = urllib.request.Request(url + "/api/login", data=json.dumps({"password": pw}).encode(),
                             headers={"Content-Type": "application/json"})
cookie = ""
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        cookie = r.headers["Set-Cookie"].split(";")[0]
except OSError as e:
    print("login:", e)
check(cookie.startswith("stoa_session="), "the instructor logs in with the password from the file")
connected = False
end = time.time() + 30
while time.time() < end and not connected:
    try:
        _, body = get(url + "/api/state", {"Cookie": cookie})
        connected = any(h.get("connected") for h in json.loads(body).get("headsets", []))
    except (OSError, ValueError):
        pass
    time.sleep(0.2)
check(connected, "a headset is connected")
hub.send_signal(signal.SIGTERM)
try:
    rc = hub.wait(timeout=30)
except subprocess.TimeoutExpired:
    hub.kill()
    rc = -1
with open(log_path) as f:
    text = f.read()
check(rc == 0, f"SIGTERM: exit status 0 ({rc})")
check(re.search(r"^<5>stoa hub: stopping \(1 headset told\)$", text, re.M) is not None,
      "SIGTERM: the connected headset was told")
check(re.search(r"^<5>stoa hub: stopped$", text, re.M) is not None, "SIGTERM: stopped")
wal = os.path.join(data, "hub.sqlite-wal")
check(not os.path.exists(wal) or os.path.getsize(wal) == 0, "the database was closed cleanly (no WAL left)")
headset.terminate()
headset.wait(timeout=30)

print(f"\n{len(PASSES)} passed, {len(FAILS)} failed")
sys.exit(1 if FAILS else 0)
