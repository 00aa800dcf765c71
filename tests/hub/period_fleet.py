# SPDX-License-Identifier: Apache-2.0
"""Protocol-level simulated headsets for a class period (issue 11).

Each headset speaks the class-period protocol of docs/hub.md over its own
WebSocket: it joins with the class code once and keeps its token, waits in
the lobby, takes `signin`/`signout`, and on `launch` plays a lesson under the
launch's registration for the learner signed in (a new run; a launch while a
lesson plays ends that run first, `terminated`), obeys pause/resume/end, then
shows its result and returns to the lobby. Every statement it writes goes to
its own log first (JSON lines: id, registration, run, learner) and leaves its
queue only when the hub acknowledges it; killed and started again, a headset
sends everything unacknowledged from its log again, as `stoa run` does.

Used by test_hub_period.py (in-process) and by panel_period.mjs (as a child
process reading commands on stdin: "kill I", "start I", "quit"; "transfer I
DONE TOTAL" shows headset I loading a launch's files, "transfer I 0 0" ends
it; "parts N STEP" makes later lessons N parts of STEP seconds).
No renderer, no lesson engine: each part of a lesson lasts STEP seconds.
"""
import base64
import json
import os
import socket
import struct
import sys
import threading
import time
import uuid

STEP = float(os.environ.get('STOA_FLEET_STEP', '0.25'))
PARTS = 8


def now_iso():
    t = time.time()
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(t)) + '.%03dZ' % int((t % 1) * 1000)


class Socket:
    """A minimal RFC 6455 client: masked text frames out, frames in."""

    def __init__(self, host, port):
        self.s = socket.create_connection((host, port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(('GET /ws/headset HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                        'Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n' % (host, port, key)).encode())
        head = b''
        while b'\r\n\r\n' not in head:
            chunk = self.s.recv(1)
            if not chunk:
                raise ConnectionError('closed during the upgrade')
            head += chunk
        if b' 101 ' not in head.split(b'\r\n')[0]:
            raise ConnectionError(head.decode(errors='replace'))
        self.s.settimeout(None)
        self.lock = threading.Lock()

    def send(self, obj):
        data = json.dumps(obj, separators=(',', ':')).encode()
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                bytes([0x80 | 126]) + struct.pack('>H', n) if n < 65536 else
                                bytes([0x80 | 127]) + struct.pack('>Q', n))
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        with self.lock:
            self.s.sendall(head + mask + body)

    def _exact(self, n):
        out = b''
        while len(out) < n:
            chunk = self.s.recv(n - len(out))
            if not chunk:
                raise ConnectionError('closed')
            out += chunk
        return out

    def recv(self):
        b0, b1 = self._exact(2)
        n = b1 & 0x7f
        if n == 126:
            n = struct.unpack('>H', self._exact(2))[0]
        elif n == 127:
            n = struct.unpack('>Q', self._exact(8))[0]
        data = self._exact(n)
        if b0 & 0x0f == 8:
            raise ConnectionError('closed by the hub')
        return json.loads(data)

    def close(self):
        try:
            self.s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.s.close()


def http(host, port, method, path, body=None, headers=None):
    s = socket.create_connection((host, port), timeout=10)
    data = json.dumps(body).encode() if body is not None else b''
    h = {'Host': '%s:%d' % (host, port), 'Content-Length': str(len(data)), 'Connection': 'close'}
    if body is not None:
        h['Content-Type'] = 'application/json'
    h.update(headers or {})
    s.sendall(('%s %s HTTP/1.1\r\n' % (method, path) + ''.join('%s: %s\r\n' % kv for kv in h.items()) + '\r\n')
              .encode() + data)
    out = b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    head, _, rest = out.partition(b'\r\n\r\n')
    return int(head.split()[1]), head.decode(errors='replace'), rest


class Headset:
    def __init__(self, host, port, code, name, folder):
        self.host, self.port, self.code, self.name, self.folder = host, port, code, name, folder
        os.makedirs(folder, exist_ok=True)
        self.log_path = os.path.join(folder, 'log.jsonl')
        self.mu = threading.RLock()
        self.sock = None
        self.alive = False
        self.messages = []

    # -- identity and log -------------------------------------------------------
    def token(self):
        path = os.path.join(self.folder, 'token')
        if os.path.exists(path):
            return open(path).read().strip()
        status, _, body = http(self.host, self.port, 'POST', '/api/join', {'code': self.code, 'device': self.name})
        if status != 200:
            raise RuntimeError('%s: join answered %d %s' % (self.name, status, body[:200]))
        token = json.loads(body)['token']
        with open(path, 'w') as f:
            f.write(token)
        return token

    def start(self):
        """Switched on: hello with the stored token, everything unacknowledged sent again."""
        self.learner = None
        self.lesson = None  # (lesson id, registration, run, learner)
        self.part, self.phase, self.paused, self.result = 0, 'lobby', False, None
        self.pending = {}
        if os.path.exists(self.log_path):
            for line in open(self.log_path):
                rec = json.loads(line)
                self.pending[rec['id']] = rec['statement']
        acked = os.path.join(self.folder, 'acked')
        if os.path.exists(acked):
            for line in open(acked):
                self.pending.pop(line.strip(), None)
        self.sock = Socket(self.host, self.port)
        self.sock.send({'t': 'hello', 'token': self.token()})
        first = self.sock.recv()
        if first.get('t') != 'welcome':
            raise RuntimeError('%s: %s' % (self.name, first))
        self.device_id = first['device_id']
        self.alive = True
        self.resend()
        threading.Thread(target=self.reader, daemon=True).start()
        threading.Thread(target=self.player, daemon=True).start()

    def kill(self):
        """Switched off without warning: the socket drops, memory is gone."""
        self.alive = False
        if self.sock:
            self.sock.close()

    def resend(self):
        with self.mu:
            items = list(self.pending.values())
        for i in range(0, len(items), 200):
            self.sock.send({'t': 'st', 'items': items[i:i + 200]})

    def write(self, verb, obj, result=None):
        lesson_id, reg, run, learner = self.lesson
        account = learner or 'anonymous-' + reg[:8]
        st = {'id': str(uuid.uuid4()),
              'actor': {'objectType': 'Agent', 'account': {'homePage': 'http://%s:%d/' % (self.host, self.port),
                                                           'name': account}},
              'verb': {'id': 'http://adlnet.gov/expapi/verbs/' + verb, 'display': {'en': verb}},
              'object': {'objectType': 'Activity', 'id': 'https://stoa.dev/xapi/lessons/%s%s' % (lesson_id, obj)},
              'context': {'registration': reg, 'contextActivities': {'parent': [
                  {'objectType': 'Activity', 'id': 'https://stoa.dev/xapi/lessons/' + lesson_id}]}},
              'timestamp': now_iso()}
        if result:
            st['result'] = result
        with open(self.log_path, 'a') as f:  # the log first, then the hub
            f.write(json.dumps({'id': st['id'], 'registration': reg, 'run': run, 'learner': learner,
                                'statement': st}) + '\n')
        with self.mu:
            self.pending[st['id']] = st
        try:
            self.sock.send({'t': 'st', 'items': [st]})
        except OSError:
            pass  # sent again after the next start

    # -- the hub's messages -------------------------------------------------------
    def reader(self):
        sock = self.sock
        try:
            while self.alive:
                self.on_message(sock.recv())
        except (OSError, ConnectionError, ValueError):
            self.alive = False

    def on_message(self, m):
        t = m.get('t')
        if t == 'ack':
            with self.mu:
                for i in m.get('ids', []):
                    self.pending.pop(i, None)
                with open(os.path.join(self.folder, 'acked'), 'a') as f:
                    f.write(''.join(i + '\n' for i in m.get('ids', [])))
            if m.get('rejected'):
                self.messages.append(('rejected', m['rejected']))
            return
        if t != 'cmd':
            self.messages.append((t, m))
            return
        cmd = m['cmd']
        self.messages.append((cmd, m))
        with self.mu:
            if cmd == 'signin':
                self.learner = m['learner_id']
            elif cmd == 'signout':
                self.learner = None
            elif cmd == 'launch':
                self.finish(False)
                self.lesson = (m['lesson_id'], m['registration'], m['run'], m.get('learner_id') or self.learner)
                self.part, self.phase, self.paused, self.result = 0, 'lesson', False, None
                self.launched_at = time.monotonic()
                self.write('launched', '')
                self.write('initialized', '')
            elif cmd == 'pause' and self.lesson:
                self.paused = True
                self.write('suspended', '')
            elif cmd == 'resume' and self.lesson and self.paused:
                self.paused = False
                self.write('resumed', '')
            elif cmd == 'end':
                self.finish(False)

    def finish(self, completed):
        """The lesson ends (mu held): its trace is closed; result, then the lobby."""
        if not self.lesson:
            return
        if completed:
            self.write('completed', '', {'completion': True, 'score': {'scaled': 1.0}})
        self.write('terminated', '')
        self.result = {'completed': completed, 'success': None, 'score': 1.0 if completed else None}
        self.lesson, self.phase, self.result_until = None, 'result', time.monotonic() + 0.5

    def player(self):
        last = time.monotonic()
        while self.alive:
            time.sleep(0.05)
            with self.mu:
                if self.phase == 'result' and time.monotonic() > self.result_until:
                    self.phase = 'lobby'
                if self.lesson and not self.paused and time.monotonic() - last >= STEP:
                    last = time.monotonic()
                    self.part += 1
                    if self.part == PARTS // 2:
                        self.write('answered', '/questions/stoics-name', {'response': 'a', 'success': True})
                    elif self.part < PARTS:
                        self.write('experienced', '/states/s%d' % self.part)
                    else:
                        self.finish(True)
                status = {'t': 'status', 'phase': self.phase, 'paused': self.paused, 'fps': 72,
                          'progress': min(1.0, self.part / PARTS)}
                if self.learner:
                    status['learner_id'] = self.learner
                if self.lesson:
                    status.update(lesson=self.lesson[0], registration=self.lesson[1], state='s%d' % self.part)
                if self.phase == 'result':
                    status['result'] = self.result
                if self.phase == 'loading' and getattr(self, 'transfer', None):
                    status['transfer'] = self.transfer
            try:
                self.sock.send(status)
            except OSError:
                self.alive = False


def written(folder):
    """Every statement a headset wrote: {id: record}."""
    out = {}
    path = os.path.join(folder, 'log.jsonl')
    if os.path.exists(path):
        for line in open(path):
            rec = json.loads(line)
            out[rec['id']] = rec
    return out


def check(folders, db_path):
    """What the hub stored against what the headsets wrote: a summary."""
    import sqlite3
    db = sqlite3.connect(db_path)
    stored = {r[0]: (r[1], json.loads(r[2])) for r in db.execute('SELECT id, registration, json FROM statements')}
    run_of = dict(db.execute('SELECT registration, id FROM runs'))
    wrote, per_run, wrong = {}, {}, []
    for f in folders:
        wrote.update(written(f))
    for sid, rec in wrote.items():
        w = per_run.setdefault(rec['run'], [0, 0])
        w[0] += 1
        reg, st = stored.get(sid, (None, None))
        if st is None or reg != rec['registration'] or run_of.get(reg) != rec['run'] or \
                (rec['learner'] and st['actor']['account']['name'] != rec['learner']):
            wrong.append(sid)
        else:
            w[1] += 1
    empty = db.execute('SELECT count(*) FROM runs r WHERE NOT EXISTS (SELECT 1 FROM statements s'
                       ' WHERE s.registration = r.registration)').fetchone()[0]
    return {'written': len(wrote), 'stored': len(stored), 'wrong': wrong[:10], 'empty_runs': empty,
            'per_run': per_run}


def main():
    if sys.argv[1] == '--check':
        print(json.dumps(check(sys.argv[3:], sys.argv[2])))
        return
    url, code, n, folder = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    host, port = url.split('//')[1].rstrip('/').split(':')
    fleet = [Headset(host, int(port), code, 'Headset %02d' % (i + 1), os.path.join(folder, 'h%02d' % i))
             for i in range(n)]
    for h in fleet:
        h.start()
    print('fleet: %d headsets in the lobby' % n, flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == 'kill':
            fleet[int(words[1])].kill()
        elif words[0] == 'start':
            fleet[int(words[1])].start()
        elif words[0] == 'transfer':
            h = fleet[int(words[1])]
            with h.mu:
                done, total = int(words[2]), int(words[3])
                h.transfer = {'done': done, 'total': total} if total else None
                h.phase = 'loading' if total else 'lobby'
        elif words[0] == 'parts':
            global PARTS, STEP
            PARTS, STEP = int(words[1]), float(words[2])
        elif words[0] == 'quit':
            break
        print('fleet: ' + line.strip() + ' done', flush=True)
    for h in fleet:
        h.alive = False


if __name__ == '__main__':
    main()
