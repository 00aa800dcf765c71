# SPDX-License-Identifier: Apache-2.0
"""Issue 11's proof on the hub's side: a whole class period, protocol level.

A hub (`hub_driver`, the same cmd_hub.c as `stoa hub`) on 127.0.0.1 and 30
simulated headsets (period_fleet.py). The teacher imports a class of 30 named
learners from a CSV, signs each in on a headset, launches lesson A, pauses,
sends a message, resumes, launches lesson B on half of them mid-lesson, ends
A on the rest; three headsets are killed mid-lesson and switched on again;
two learners swap headsets (one signed in by the teacher, one by the headset
itself); the gradebook is exported. Afterwards: every statement any headset
wrote is stored exactly once, under the run of its launch and its learner;
no run has zero records; every run's report opens and names its learners;
the CSV and XLSX read back with one row per learner and run.

    python3 test_hub_period.py HUB_DRIVER SOURCE_DIR
Prints the figures: statements written vs stored per run, and the time
from each launch until every headset reported being in the lesson.
"""
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import period_fleet as pf  # noqa: E402

N = 30
PASSWORD = 'period test password'


def main():
    hub_bin, source = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix='stoa-period-')
    sock = __import__('socket').socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    hub = subprocess.Popen([hub_bin, '--listen', '127.0.0.1:%d' % port, '--data', os.path.join(work, 'hub'),
                            '--lessons', os.path.join(source, 'scenes/agora/lessons'), '--joins-per-minute', '100',
                            # 30 headsets on one loopback address (a room has one address each)
                            '--max-connections-per-address', '128', '--no-browser'], env=dict(os.environ, STOA_HUB_PASSWORD=PASSWORD),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    problems = []
    try:
        run_period(hub, port, work, problems)
    finally:
        hub.terminate()
        out = hub.communicate(timeout=20)[0]
    if problems:
        for p in problems:
            print('problem:', p)
        print(out[-3000:])
        return 1
    print('period ok')
    return 0


def run_period(hub, port, work, problems):
    line, printed = '', ''
    deadline = time.time() + 20
    while 'join code' not in line and time.time() < deadline:
        line = hub.stdout.readline()
        printed += line
    # --listen 127.0.0.1:PORT: the join address printed is one the listener serves.
    join = re.search(r'headsets join\s+(\S+)', printed)
    if not join or not join.group(1).startswith('http://127.0.0.1:%d' % port):
        problems.append('the join address printed is not the one listened on: %r' % printed)
    code = re.search(r'join code (\w{6})', line).group(1)
    host = '127.0.0.1'
    status, head, body = pf.http(host, port, 'POST', '/api/login', {'password': PASSWORD})
    cookie = re.search(r'Set-Cookie: (stoa_session=[^;]+)', head).group(1)
    panel = {'Cookie': cookie, 'X-CSRF-Token': json.loads(body)['csrf'], 'Origin': 'http://%s:%d' % (host, port)}

    def api(method, path, data=None):
        s, h, b = pf.http(host, port, method, path, data, panel)
        if s != 200:
            problems.append('%s %s: %d %s' % (method, path, s, b[:300]))
        return b if path.startswith('/api/gradebook') or path.startswith('/api/report') else json.loads(b or b'{}')

    # The class: 30 learners from a spreadsheet's CSV (BOM, Chinese names, numbers, two PINs).
    cls = api('POST', '/api/class/create', {'title': '7B 物理'})['id']
    names = ['学生%02d 李' % i if i % 3 == 0 else 'Learner %02d' % i for i in range(N)]
    csv = '\ufeffname,number,pin\r\n' + ''.join('"%s",%d,%s\r\n' % (n, 100 + i, '4321' if i < 2 else '')
                                               for i, n in enumerate(names))
    imported = api('POST', '/api/class/import', {'class_id': cls, 'csv': csv})
    if imported.get('added') != N:
        problems.append('import: %s' % imported)
    learners = {l['number']: l['learner_id'] for l in api('GET', '/api/classes')['learners']}
    ids = [learners[str(100 + i)] for i in range(N)]
    name_of = {ids[i]: names[i] for i in range(N)}

    fleet = [pf.Headset(host, port, code, 'Headset %02d' % (i + 1), os.path.join(work, 'h%02d' % i)) for i in range(N)]
    t0 = time.monotonic()
    for h in fleet:
        h.start()

    def state():
        return api('GET', '/api/state')

    def wait(what, fn, seconds=15):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if fn():
                return time.monotonic()
            time.sleep(0.02)
        problems.append('timed out: ' + what)
        return time.monotonic()

    wait('30 headsets in the lobby', lambda: sum(1 for h in state()['headsets']
                                                  if h['connected'] and h['phase'] == 'lobby') == N)
    print('30 headsets joined and in the lobby in %.2f s' % (time.monotonic() - t0))
    for i, h in enumerate(fleet):
        api('POST', '/api/learner/assign', {'device': h.device_id, 'learner_id': ids[i]})
    wait('every learner signed in', lambda: all(h.learner == ids[i] for i, h in enumerate(fleet)))

    launches = {}

    def launch(lesson, hs, label):
        before = {h['id']: h['registration'] for h in state()['headsets']}
        t = time.monotonic()
        r = api('POST', '/api/command', {'cmd': 'launch', 'lesson': lesson, 'targets': [h.device_id for h in hs]})
        if r.get('sent') != len(hs):
            problems.append('%s: sent to %s of %d' % (label, r.get('sent'), len(hs)))
        run = r.get('run')
        devs = {h.device_id for h in hs}
        seen = set()

        def all_in():  # each seen in the lesson, under a registration of this launch
            for h in state()['headsets']:
                if h['id'] in devs and h['phase'] == 'lesson' and h['registration'] and \
                        h['registration'] != before.get(h['id']):
                    seen.add(h['id'])
            return len(seen) == len(hs)
        done = wait(label + ': every headset in the lesson', all_in)
        if len(seen) != len(hs):
            problems.append('%s: not seen in the lesson: %s' % (label, [(h['name'], h['phase'], h['registration'][:8],
                before.get(h['id'], '')[:8]) for h in state()['headsets'] if h['id'] in devs - seen]))
        launches[label] = (run, done - t)
        return run

    run_a = launch('stoa-poikile.yaml', fleet, 'A')
    time.sleep(pf.STEP * 1.5)
    api('POST', '/api/command', {'cmd': 'pause'})
    time.sleep(0.4)
    api('POST', '/api/command', {'cmd': 'message', 'text': 'Look at the columns / 看这些柱子'})
    api('POST', '/api/command', {'cmd': 'resume'})
    time.sleep(pf.STEP)
    half, rest = fleet[:N // 2], fleet[N // 2:]
    run_b = launch('zeno-zh.yaml', half, 'B')  # mid-lesson: A's run ends on them first
    api('POST', '/api/command', {'cmd': 'end', 'targets': [h.device_id for h in rest]})
    time.sleep(pf.STEP)
    for h in half[:3]:  # switched off mid-lesson, then on again
        h.kill()
    time.sleep(0.3)
    for h in half[:3]:
        h.start()
    wait('the three back online', lambda: all(h['connected'] for h in state()['headsets']
                                                if h['id'] in {x.device_id for x in half[:3]}))
    wait('lesson B over everywhere', lambda: all(h['phase'] == 'lobby' for h in state()['headsets']), 20)
    # Learners 0 and 1 swap headsets: the teacher signs learner 0 in on headset 1;
    # learner 1 picks their name on headset 0 and types their PIN.
    h0, h1 = fleet[0], fleet[1]
    h0.sock.send({'t': 'signout'})
    api('POST', '/api/learner/assign', {'device': h1.device_id, 'learner_id': ids[0]})
    h0.sock.send({'t': 'signin', 'learner_id': ids[1], 'pin': '0000'})
    wait('a wrong PIN refused', lambda: any(t == 'signin_refused' for t, _ in h0.messages))
    h0.sock.send({'t': 'signin', 'learner_id': ids[1], 'pin': '4321'})
    wait('the swap', lambda: h0.learner == ids[1] and h1.learner == ids[0])
    run_c = launch('stoa-poikile.yaml', [h0, h1], 'A again, swapped')
    wait('the swapped lesson over', lambda: all(h['phase'] == 'lobby' for h in state()['headsets']), 20)
    time.sleep(0.5)
    for h in fleet:  # the last acks
        wait(h.name + ' acknowledged', lambda: not h.pending, 10)
    for h in fleet:
        h.kill()
        for t, m in h.messages:
            if t == 'rejected':
                problems.append('%s: refused %s' % (h.name, m[:2]))
    if not any(m[0] == 'message' for m in fleet[-1].messages):
        problems.append('the message did not reach the last headset')

    check_store(work, fleet, name_of, problems)
    check_reports_and_gradebook(api, cls, names, name_of, work, problems)
    for label, (run, seconds) in launches.items():
        print('launch %-17s run %s: every headset in the lesson after %.0f ms' % (label, run[:8], seconds * 1000))
    if run_c in (run_a, run_b):
        problems.append('a launch reused a run')


def check_store(work, fleet, name_of, problems):
    db = sqlite3.connect(os.path.join(work, 'hub', 'hub.sqlite'))
    stored = {row[0]: (row[1], json.loads(row[2])) for row in db.execute('SELECT id, registration, json FROM statements')}
    run_of = dict(db.execute('SELECT registration, id FROM runs'))
    wrote = {}
    for h in fleet:
        wrote.update(pf.written(h.folder))
    per_run = {}
    for sid, rec in wrote.items():
        w = per_run.setdefault(rec['run'], [0, 0])
        w[0] += 1
        if sid not in stored:
            problems.append('statement %s of %s never stored' % (sid, rec['run']))
            continue
        reg, st = stored[sid]
        if reg != rec['registration'] or run_of.get(reg) != rec['run']:
            problems.append('statement %s filed under run %s, written in %s' % (sid, run_of.get(reg), rec['run']))
        elif st['actor']['account']['name'] != (rec['learner'] or st['actor']['account']['name']):
            problems.append('statement %s stored for another learner' % sid)
        elif rec['learner'] not in name_of:
            problems.append('statement %s written without a named learner' % sid)
        else:
            w[1] += 1
    if len(stored) != len(wrote):
        problems.append('%d statements stored, %d written' % (len(stored), len(wrote)))
    empty = db.execute('SELECT count(*) FROM runs r WHERE NOT EXISTS (SELECT 1 FROM statements s'
                       ' WHERE s.registration = r.registration)').fetchone()[0]
    if empty:
        problems.append('%d run rows without a record' % empty)
    for run, (w, s) in sorted(per_run.items()):
        print('run %s: %4d statements written, %4d stored once under it and its learners' % (run[:8], w, s))
    print('in all: %d written, %d stored, %d distinct ids' % (len(wrote), len(stored), len(set(stored))))


def check_reports_and_gradebook(api, cls, names, name_of, work, problems):
    db = sqlite3.connect(os.path.join(work, 'hub', 'hub.sqlite'))
    runs = [r[0] for r in db.execute('SELECT DISTINCT id FROM runs')]
    rows_expected = db.execute('SELECT count(*) FROM runs').fetchone()[0]
    for run in runs:
        html = api('GET', '/api/report?run=' + run).decode()
        regs = [r[0] for r in db.execute('SELECT l.learner_id FROM runs r JOIN launches l'
                                         ' ON l.registration = r.registration WHERE r.id = ?', (run,))]
        for learner in regs:
            if name_of[learner] not in html:
                problems.append('the report of run %s does not name %s' % (run[:8], name_of[learner]))
    csv = api('GET', '/api/gradebook?class=%s&format=csv' % cls).decode('utf-8')
    if not csv.startswith('\ufeff'):
        problems.append('the CSV has no BOM')
    lines = [l for l in csv.lstrip('\ufeff').split('\r\n') if l]
    if len(lines) - 1 != rows_expected:
        problems.append('CSV: %d rows, %d runs of learners' % (len(lines) - 1, rows_expected))
    for n in names:
        if '"%s"' % n not in csv:
            problems.append('CSV: no row for ' + n)
    xlsx = api('GET', '/api/gradebook?class=%s&format=xlsx' % cls)
    z = zipfile.ZipFile(io.BytesIO(xlsx))
    ns = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
    sheet = ET.fromstring(z.read('xl/worksheets/sheet1.xml'))
    rows = [[''.join(t.text or '' for t in c.iter(ns + 't')) or (c.findtext(ns + 'v') or '') for c in r]
            for r in sheet.iter(ns + 'row')]
    if len(rows) - 1 != rows_expected or {r[0] for r in rows[1:]} != set(names):
        problems.append('XLSX: %d rows for %d, learners %s' % (len(rows) - 1, rows_expected, sorted({r[0] for r in rows[1:]})[:5]))
    answered = [r for r in rows[1:] if 'Because Zeno taught in the Stoa Poikile' in r[-1]]
    if not answered:
        problems.append('XLSX: no answer shows its choice\'s text')
    print('gradebook: %d rows in CSV and XLSX, %d with the answer\'s text; %d reports opened' %
          (len(lines) - 1, len(answered), len(runs)))


if __name__ == '__main__':
    sys.exit(main())
