// SPDX-License-Identifier: Apache-2.0
// Issue 14's end-to-end proof: an xAPI client written without any knowledge
// of the hub (@xapi/xapi from npm, pinned in package-lock.json) against a
// real `stoa hub` on 127.0.0.1. It records statements, queries them by verb
// and by agent, stores a State document, reads it back and deletes it, and
// reads the Activity and About resources; it also voids a statement. Each step says which part of
// xAPI 1.0.3 (Communication part 2) it exercises.
//
//   node lrs_client.mjs HUB_DRIVER WORK_DIR
//
// Exits 77 (ctest's skip) when `npm ci` has not been run in this folder.
import { existsSync, mkdtempSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, 'node_modules', '@xapi', 'xapi', 'package.json'))) {
  console.log(`SKIP: ${join(here, 'node_modules')} is missing: run tools/setup (npm ci in tests/xapi_client)`);
  process.exit(77);
}
const { default: XAPI } = await import('@xapi/xapi');

const [hubBin, workArg] = process.argv.slice(2);
if (!hubBin) {
  console.error('usage: node lrs_client.mjs HUB_DRIVER [WORK_DIR]');
  process.exit(2);
}
const work = mkdtempSync(join(workArg || '/tmp', 'lrs-client-'));
const freePort = () => new Promise((ok) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
});
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};

const port = await freePort();
const hub = spawn(hubBin, ['--listen', `127.0.0.1:${port}`, '--data', join(work, 'hub')],
                  { stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
hub.stdout.on('data', (d) => { output += d; });
hub.stderr.on('data', (d) => { output += d; });
const killer = setTimeout(() => { console.error('FAIL: the test ran past 60 s'); hub.kill('SIGKILL'); process.exit(1); },
                          60000);

try {
  let key = null;
  for (const end = Date.now() + 15000; !key && Date.now() < end; await sleep(50))
    key = (output.match(/Basic auth xapi:([0-9a-f]+)\)/) || [])[1];
  if (!key) throw new Error(`the hub did not start:\n${output}`);

  const xapi = new XAPI({ endpoint: `http://127.0.0.1:${port}/xapi/`, auth: XAPI.toBasicAuth('xapi', key) });
  const ada = { objectType: 'Agent', name: 'Ada', mbox: 'mailto:ada@lrs-client.example' };
  const bob = { objectType: 'Agent', name: 'Bob', mbox: 'mailto:bob@lrs-client.example' };
  const activity = {
    objectType: 'Activity', id: 'https://lrs-client.example/courses/optics',
    definition: { name: { 'en-US': 'Optics' }, type: 'http://adlnet.gov/expapi/activities/course' },
  };
  const now = new Date().toISOString();
  const make = (actor, verb) => ({ id: randomUUID(), actor, verb, object: activity, timestamp: now });
  const statements = [make(ada, XAPI.Verbs.COMPLETED), make(ada, XAPI.Verbs.INITIALIZED),
                      make(bob, XAPI.Verbs.COMPLETED)];

  // Statements (2.1.2): a batch, answered with the ids in order.
  const sent = await xapi.sendStatements({ statements });
  check(sent.status === 200 && JSON.stringify(sent.data) === JSON.stringify(statements.map((s) => s.id)),
        'POST statements: 200 and the ids (Communication 2.1.2)');

  // Queries (2.1.3): by verb and by agent; every statement returned matches the filter.
  const byVerb = (await xapi.getStatements({ verb: XAPI.Verbs.COMPLETED.id })).data.statements;
  check(byVerb.some((s) => s.id === statements[0].id) && byVerb.some((s) => s.id === statements[2].id),
        'GET statements?verb=: the completed statements are there (2.1.3 verb)');
  check(byVerb.every((s) => s.verb.id === XAPI.Verbs.COMPLETED.id),
        `GET statements?verb=: only that verb (${byVerb.length} returned) (2.1.3 verb)`);
  const byAgent = (await xapi.getStatements({ agent: { mbox: ada.mbox } })).data.statements;
  check(byAgent.some((s) => s.id === statements[0].id) && byAgent.some((s) => s.id === statements[1].id),
        'GET statements?agent=: Ada\'s statements are there (2.1.3 agent)');
  check(byAgent.every((s) => s.actor.mbox === ada.mbox),
        `GET statements?agent=: only Ada's (${byAgent.length} returned) (2.1.3 agent)`);
  const one = await xapi.getStatement({ statementId: statements[2].id });
  check(one.data.id === statements[2].id && typeof one.data.stored === 'string',
        'GET statements?statementId=: the statement with stored (2.1.3)');

  // Voiding (Data 2.3.2, Communication 2.1.3): Bob's statement is voided; a
  // plain GET no longer finds it, voidedStatementId does, and queries leave it out.
  const voided = await xapi.voidStatement({ actor: bob, statementId: statements[2].id });
  check(voided.status === 200 && voided.data.length === 1, 'POST a voiding statement: 200 (2.1.2)');
  const status = await xapi.getStatement({ statementId: statements[2].id }).then((r) => r.status,
                                                                                 (e) => e.response?.status);
  check(status === 404, `GET statementId= of a voided statement: 404 (2.1.3.s1.b3; got ${status})`);
  const back = await xapi.getVoidedStatement({ voidedStatementId: statements[2].id });
  check(back.data.id === statements[2].id, 'GET voidedStatementId=: the voided statement (2.1.3.s1.b2)');
  const afterVoid = (await xapi.getStatements({ verb: XAPI.Verbs.COMPLETED.id })).data.statements;
  check(!afterVoid.some((s) => s.id === statements[2].id),
        'GET statements?verb=: a voided statement is not returned (Data 2.3.2.s2.b3)');

  // State (2.3): store, read back, list, delete.
  const stateParams = { agent: ada, activityId: activity.id, registration: randomUUID(), stateId: 'bookmark' };
  const put = await xapi.setState({ ...stateParams, state: { page: 12, chapter: 'lenses' } });
  check(put.status === 204, 'PUT state: 204 (2.3.s3)');
  const merged = await xapi.createState({ ...stateParams, state: { page: 13 } });
  check(merged.status === 204, 'POST state (JSON merge): 204 (2.2.s8.b2)');
  const got = await xapi.getState(stateParams);
  check(got.data.page === 13 && got.data.chapter === 'lenses', `GET state: the merged document ${JSON.stringify(got.data)} (2.2.s7)`);
  check(/^"[0-9a-f]{40}"$/.test(got.headers.etag || ''), `GET state: a quoted SHA-1 ETag ${got.headers.etag} (3.1.s4)`);
  const ids = await xapi.getStates({ agent: ada, activityId: activity.id, registration: stateParams.registration });
  check(JSON.stringify(ids.data) === '["bookmark"]', `GET state ids: ${JSON.stringify(ids.data)} (2.3.s4)`);
  const del = await xapi.deleteState(stateParams);
  check(del.status === 204, 'DELETE state: 204 (2.3.s3)');
  let gone = 0;
  try { await xapi.getState(stateParams); } catch (e) { gone = e.response ? e.response.status : -1; }
  check(gone === 404, `GET state after DELETE: 404 (got ${gone}) (3.2.s2.b4)`);

  // Activities (2.5) and About (2.8).
  const act = await xapi.getActivity({ activityId: activity.id });
  check(act.data.id === activity.id && act.data.definition && act.data.definition.name['en-US'] === 'Optics',
        `GET activities: the canonical definition ${JSON.stringify(act.data)} (2.5.s1)`);
  const about = await xapi.getAbout();
  check(Array.isArray(about.data.version) && about.data.version.includes('1.0.3'),
        `GET about: version ${JSON.stringify(about.data.version)} (2.8.s5.b1)`);
  const person = await xapi.getAgent({ agent: { mbox: ada.mbox } });
  check(person.data.objectType === 'Person' && person.data.name.includes('Ada'),
        `GET agents: a Person ${JSON.stringify(person.data)} (2.4)`);
} catch (e) {
  check(false, `unexpected: ${e.response ? `${e.response.status} ${JSON.stringify(e.response.data)}` : e.stack}`);
} finally {
  clearTimeout(killer);
  hub.kill('SIGTERM');
}
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
