#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Figures of docs/lrs-documents.md (not a ctest): stores N statements in a fresh
# hub_driver, then times the first Activities GET (the whole fold), later ones,
# Agents, and 200 State PUTs and GETs.  bench_lrs_docs.py HUB_DRIVER [N]
import base64, json, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.parse, urllib.request, uuid
hub_bin, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20000
s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close()
d = tempfile.mkdtemp()
p = subprocess.Popen([hub_bin, '--listen', f'127.0.0.1:{port}', '--data', d + '/hub'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
key = None
while not key:
    line = p.stdout.readline()
    if not line:
        sys.exit('hub_driver did not start')
    m = re.search(r'Basic auth xapi:([0-9a-f]+)\)', line)
    if m: key = m.group(1)
auth = 'Basic ' + base64.b64encode(f'xapi:{key}'.encode()).decode()
H = {'Authorization': auth, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json'}
def req(method, path, body=None):
    r = urllib.request.Request(f'http://127.0.0.1:{port}{path}', data=body, headers=H, method=method)
    with urllib.request.urlopen(r) as a: return a.status, a.read()
t0 = time.time()
for b in range(0, n, 500):
    sts = [{'id': str(uuid.uuid4()), 'actor': {'mbox': f'mailto:l{i % 300}@x.org', 'name': f'L{i % 300}'},
            'verb': {'id': 'http://adlnet.gov/expapi/verbs/answered'},
            'object': {'id': f'http://x.org/q/{i % 2000}', 'definition': {'name': {'en': f'q{i % 2000}'}, 'type': 'http://adlnet.gov/expapi/activities/cmi.interaction'}},
            'context': {'contextActivities': {'parent': [{'id': 'http://x.org/lesson', 'definition': {'name': {'en': 'lesson'}}}]}},
            'timestamp': '2026-01-01T00:00:00Z'} for i in range(b, min(n, b + 500))]
    req('POST', '/xapi/statements', json.dumps(sts).encode())
t1 = time.time()
q = urllib.parse.quote
for label in ('first (folds all)', 'second'):
    t = time.time(); st, body = req('GET', '/xapi/activities?activityId=' + q('http://x.org/q/7', safe='')); el = time.time() - t
    print(f'GET activities {label}: {el*1000:.1f} ms -> {body[:80]}')
t = time.time(); st, body = req('GET', '/xapi/agents?agent=' + q(json.dumps({'mbox': 'mailto:l7@x.org'}), safe='')); print(f'GET agents: {(time.time()-t)*1000:.1f} ms -> {body[:80]}')
ag = q(json.dumps({'mbox': 'mailto:l7@x.org'}), safe='')
t = time.time()
for i in range(200):
    req('PUT', f'/xapi/activities/state?activityId={q("http://x.org/lesson", safe="")}&agent={ag}&stateId=s{i}', b'{"p":1}')
t2 = time.time()
for i in range(200):
    req('GET', f'/xapi/activities/state?activityId={q("http://x.org/lesson", safe="")}&agent={ag}&stateId=s{i}')
t3 = time.time()
print(f'stored {n} statements in {t1-t0:.1f} s; 200 State PUTs {(t2-t)*1000/200:.2f} ms each, 200 GETs {(t3-t2)*1000/200:.2f} ms each (one connection per request)')
p.terminate(); p.wait()
print('db size', os.path.getsize(d + '/hub/hub.sqlite') // 1024, 'KiB')
shutil.rmtree(d)
