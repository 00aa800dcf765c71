#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The real `stoa hub` for the class tests (test_class_hub.py, _content,
_bake, _signin, test_hand_watch.py, test_frame_pacing.py): started on a free
port of 127.0.0.1, and a client signed in as the instructor. Each test had
its own copy of the start-up (duplicates D6, D8, and D7 of a later list)."""
import http.cookiejar
import json
import os
import re
import socket
import time
import urllib.request

from class_common import Proc, check

PASSWORD = "class hub test password"


class Hub:
    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = self._call("POST", "/api/login", {"password": PASSWORD})["csrf"]

    def _call(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        if getattr(self, "csrf", None):
            req.add_header("X-CSRF-Token", self.csrf)
        with self.opener.open(req, timeout=10) as r:
            return json.loads(r.read() or b"{}")

    def command(self, cmd, **kw):
        return self._call("POST", "/api/command", dict(cmd=cmd, **kw))

    def headsets(self):
        return {h.get("name"): h for h in self._call("GET", "/api/state").get("headsets", [])}

    def headset(self):
        """The first headset the hub knows ({} when none)."""
        hs = self._call("GET", "/api/state").get("headsets", [])
        return hs[0] if hs else {}

    def wait_headset(self, pred, timeout):
        """The first headset once pred(it) holds, else as it is at the timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            h = self.headset()
            if h and pred(h):
                return h
            time.sleep(0.25)
        return self.headset()

    def stored(self, registration):
        out, path = [], f"/xapi/statements?registration={registration}&limit=500&ascending=true"
        while path:
            r = self._call("GET", path, headers={"X-Experience-API-Version": "1.0.3"})
            out += r.get("statements", [])
            more = r.get("more") or ""
            path = more[more.index("/xapi"):] if "/xapi" in more else None
        return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_hub(stoa, out, lessons, env=None, hub_cmd=None):
    """`stoa hub` serving `lessons`, its data in OUT/hub and its output in
    OUT/hub.log; env: the process's (default os.environ), the password
    added; hub_cmd: another hub program (the frame-pacing test's hub_driver)
    in place of `stoa hub`. Returns (process, url): the caller stops it (in
    its finally)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = Proc((hub_cmd or [stoa, "hub"]) + ["--listen", f"127.0.0.1:{port}", "--data", os.path.join(out, "hub"),
                 "--lessons", lessons, "--no-browser"],
                dict(env if env is not None else os.environ, STOA_HUB_PASSWORD=PASSWORD),
                os.path.join(out, "hub.log"))
    return proc, url


def hub_ready(proc, url):
    """Waits for the hub's join code: (code, a signed-in Hub), or (None,
    None) after a failed check saying why."""
    if not proc.wait_for(r"join code (\w{6})", 30):
        check(False, f"the hub starts ({proc.text()[-400:]})")
        return None, None
    return re.search(r"join code (\w{6})", proc.text()).group(1), Hub(url)
