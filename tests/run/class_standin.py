#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A protocol-level stand-in for the hub's side of the class period
(/work/prompts/class-protocol.md, docs/hub.md "Headset protocol"), for tests
of the headset while the hub's own side is built: join, the headset
WebSocket (hello/welcome, status, statements with acks), the roster
(`class`), sign-in (teacher-assigned and the headset's own `signin` with a
PIN, `signin_refused`), `launch` with `files`, and the two file endpoints
(`/api/headset/lesson?name=`, `/api/headset/content/<sha256>`). It keeps
every statement by id and counts each id received more than once, and every
content request, so that a test can check what crossed the wire.

Standard library only; loopback only; one thread per connection."""
import base64
import hashlib
import json
import os
import socket
import socketserver
import struct
import threading
import time
import urllib.parse
import uuid

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC11B65"


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Device:
    def __init__(self, dev_id, name, token):
        self.id, self.name, self.token = dev_id, name, token
        self.conn = None          # the handler while connected
        self.status = {}
        self.statuses = []        # (monotonic time, status) as they came
        self.learner = None       # learner_id signed in here
        self.welcomes = 0


class StandIn:
    def __init__(self, library, join_code="STAND1", learners=()):
        self.library = library
        self.join_code = join_code
        self.lock = threading.RLock()
        self.devices = {}          # token -> Device
        self.learners = {l["learner_id"]: dict(l) for l in learners}  # id -> {name, number, pin}
        self.statements = {}       # id -> (statement, device id)
        self.duplicates = 0        # statements received again under a stored id
        self.content_gets = []     # sha256 of every content request
        self.lesson_gets = []
        self.signin_requests = []
        self.server = None
        self.url = None

    # ---- the test's side -------------------------------------------------
    def start(self):
        standin = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                standin._handle(self)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def device(self, name):
        with self.lock:
            for d in self.devices.values():
                if d.name == name:
                    return d
        return None

    def wait(self, pred, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if pred():
                    return True
            time.sleep(0.05)
        return False

    def _send(self, dev, obj):
        h = dev.conn
        if not h:
            return False
        try:
            ws_send(h, json.dumps(obj))
            return True
        except OSError:
            return False

    def command(self, name, cmd, **kw):
        d = self.device(name)
        return d is not None and self._send(d, dict(t="cmd", cmd=cmd, **kw))

    def launch(self, name, lesson, files=None, learner_id=None):
        """Sends launch; files = [relative paths beside the lesson] (None: no
        `files` key, as an older hub). Returns the registration."""
        path = os.path.join(self.library, lesson)
        reg = str(uuid.uuid4())
        msg = dict(lesson=lesson, lesson_id=lesson.rsplit(".", 1)[0], sha256=sha256_file(path),
                   registration=reg, run=str(uuid.uuid4()))
        if learner_id:
            msg["learner_id"] = learner_id
        if files is not None:
            msg["files"] = []
            for rel in files:
                p = os.path.join(os.path.dirname(path), rel)
                msg["files"].append(dict(path=rel, sha256=sha256_file(p), size=os.path.getsize(p)))
        return reg if self.command(name, "launch", **msg) else None

    def assign(self, name, learner_id):
        d = self.device(name)
        l = self.learners[learner_id]
        with self.lock:
            d.learner = learner_id
        return self._send(d, dict(t="cmd", cmd="signin", learner_id=learner_id, name=l["name"],
                                  number=l.get("number", "")))

    def signout(self, name):
        d = self.device(name)
        with self.lock:
            d.learner = None
        return self._send(d, dict(t="cmd", cmd="signout"))

    def send_class(self, name):
        d = self.device(name)
        roster = [dict(learner_id=i, name=l["name"], pin=bool(l.get("pin")))
                  for i, l in self.learners.items()]
        return self._send(d, dict(t="class", class_id="c1", title="Class 7B", learners=roster))

    def stored_for(self, registration):
        with self.lock:
            return [s for s, _ in self.statements.values()
                    if s.get("context", {}).get("registration") == registration]

    # ---- the wire ----------------------------------------------------------
    def _handle(self, h):
        line = h.rfile.readline(8192).decode("latin-1")
        if not line:
            return
        method, target, _ = (line.split(" ", 2) + ["", ""])[:3]
        headers = {}
        while True:
            l = h.rfile.readline(8192).decode("latin-1")
            if l in ("\r\n", "\n", ""):
                break
            k, _, v = l.partition(":")
            headers[k.strip().lower()] = v.strip()
        body = h.rfile.read(int(headers.get("content-length", "0") or 0))
        if os.environ.get("STANDIN_DEBUG"):
            print("standin:", method, target, headers, flush=True)
        url = urllib.parse.urlparse(target)
        if url.path == "/api/join" and method == "POST":
            req = json.loads(body or b"{}")
            if req.get("code") != self.join_code:
                return http(h, 403, b'{"error":"bad code"}')
            token = os.urandom(32).hex()
            with self.lock:
                self.devices[token] = Device(len(self.devices) + 1, req.get("device", "?"), token)
            return http(h, 200, json.dumps({"token": token}).encode())
        if url.path == "/ws/headset":
            return self._ws(h, headers)
        auth = headers.get("authorization", "")
        with self.lock:
            dev = self.devices.get(auth[7:]) if auth.startswith("Bearer ") else None
        if not dev:
            return http(h, 401, b'{"error":"token"}')
        if url.path == "/api/headset/lesson":
            name = urllib.parse.parse_qs(url.query).get("name", [""])[0]
            p = os.path.join(self.library, os.path.basename(name))
            with self.lock:
                self.lesson_gets.append(name)
            if not os.path.isfile(p):
                return http(h, 404, b'{"error":"no such lesson"}')
            with open(p, "rb") as f:
                data = f.read()
            return http(h, 200, data, {"X-Stoa-SHA256": hashlib.sha256(data).hexdigest()})
        if url.path.startswith("/api/headset/content/"):
            sha = url.path.rsplit("/", 1)[1]
            with self.lock:
                self.content_gets.append(sha)
            for root, _, files in os.walk(self.library):
                for fn in files:
                    p = os.path.join(root, fn)
                    if sha256_file(p) == sha:
                        with open(p, "rb") as f:
                            return http(h, 200, f.read())
            return http(h, 404, b'{"error":"no such content"}')
        return http(h, 404, b'{"error":"no such API"}')

    def _ws(self, h, headers):
        key = headers.get("sec-websocket-key", "")
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        h.wfile.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                       f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        h.wfile.flush()
        h.send_lock = threading.Lock()
        dev = None
        try:
            while True:
                msg = ws_recv(h)
                if msg is None:
                    break
                m = json.loads(msg)
                t = m.get("t")
                if os.environ.get("STANDIN_DEBUG") and t != "status":
                    print("standin ws:", msg[:200], flush=True)
                if t == "hello":
                    with self.lock:
                        dev = self.devices.get(m.get("token"))
                    if not dev:
                        ws_send(h, '{"t":"error","code":"bad_token"}')
                        break
                    with self.lock:
                        dev.conn = h
                        dev.welcomes += 1
                    ws_send(h, json.dumps({"t": "welcome", "device_id": dev.id, "name": dev.name}))
                    if dev.learner:  # a headset switched off and on: its learner stays
                        l = self.learners[dev.learner]
                        ws_send(h, json.dumps(dict(t="cmd", cmd="signin", learner_id=dev.learner,
                                                   name=l["name"], number=l.get("number", ""))))
                elif dev is None:
                    break
                elif t == "status":
                    with self.lock:
                        dev.status = m
                        dev.statuses.append((time.monotonic(), m))
                elif t == "st":
                    ids = []
                    with self.lock:
                        for st in m.get("items", []):
                            sid = st.get("id")
                            if sid in self.statements:
                                self.duplicates += 1
                            else:
                                self.statements[sid] = (st, dev.id)
                            ids.append(sid)
                    ws_send(h, json.dumps({"t": "ack", "ids": ids, "rejected": []}))
                elif t == "signin":
                    lid, pin = m.get("learner_id"), m.get("pin", "")
                    with self.lock:
                        self.signin_requests.append((dev.name, lid, pin))
                        l = self.learners.get(lid)
                    if not l:
                        ws_send(h, json.dumps(dict(t="signin_refused", learner_id=lid, why="unknown_learner")))
                    elif l.get("pin") and l["pin"] != pin:
                        ws_send(h, json.dumps(dict(t="signin_refused", learner_id=lid, why="bad_pin")))
                    else:
                        with self.lock:
                            dev.learner = lid
                        ws_send(h, json.dumps(dict(t="cmd", cmd="signin", learner_id=lid, name=l["name"],
                                                   number=l.get("number", ""))))
                elif t == "signout":
                    with self.lock:
                        dev.learner = None
                    ws_send(h, '{"t":"cmd","cmd":"signout"}')
                elif t == "ping":
                    ws_send(h, '{"t":"pong"}')
        except (OSError, ValueError):
            pass
        finally:
            if dev:
                with self.lock:
                    if dev.conn is h:
                        dev.conn = None


def http(h, code, body, extra=None):
    head = f"HTTP/1.1 {code} X\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
    for k, v in (extra or {}).items():
        head += f"{k}: {v}\r\n"
    h.wfile.write(head.encode() + b"\r\n" + body)
    h.wfile.flush()


def ws_recv(h):
    """One text message (control frames answered or skipped); None at close."""
    while True:
        hdr = h.rfile.read(2)
        if len(hdr) < 2:
            return None
        op, n = hdr[0] & 0x0F, hdr[1] & 0x7F
        if n == 126:
            n = struct.unpack(">H", h.rfile.read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", h.rfile.read(8))[0]
        if n > (4 << 20):
            return None
        mask = h.rfile.read(4) if hdr[1] & 0x80 else b"\0\0\0\0"
        data = bytearray(h.rfile.read(n))
        for i in range(len(data)):
            data[i] ^= mask[i % 4]
        if op == 8:
            return None
        if op == 1:
            return data.decode()


def ws_send(h, text):
    data = text.encode()
    n = len(data)
    hdr = bytes([0x81, n]) if n < 126 else (bytes([0x81, 126]) + struct.pack(">H", n) if n < 65536
                                            else bytes([0x81, 127]) + struct.pack(">Q", n))
    with h.send_lock:
        h.wfile.write(hdr + data)
        h.wfile.flush()
