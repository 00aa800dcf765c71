// SPDX-License-Identifier: Apache-2.0
// Issue 15: a desktop learner in a class, end to end. A real hub; `stoa play
// --hub URL --join CODE` in a window (this script runs under xvfb-run); the
// panel in headless Chromium. Checks: the desktop joins and waits in the
// lobby; /api/state and the panel's card show the seat as a desktop; the
// teacher launches the lesson on it; the learner plays with real input
// (xdotool: looks up at the painted back wall until its gaze trigger fires),
// the panel follows its states; the hub stores its statements and the run's
// report (made from them) says "desktop". Lesson time runs x2 (--speed); the
// local trace shows the gaze, not the state's timer, moved the lesson on.
// Screenshots: OUT_DIR/hub-*.png.
//
//   xvfb-run -a node play_hub.mjs STOA OUT_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, starter, waitFor as waitForEvery, chromiumOrSkip, launchChromium, logIn } from '../hub/panel_common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const chromium = chromiumOrSkip();
const [stoa, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
if (!process.env.DISPLAY) { console.log('SKIP: no X display (run under xvfb-run)'); process.exit(77); }
const source = process.env.STOA_SOURCE_DIR || resolve(here, '../..');
const work = mkdtempSync(join(tmpdir(), 'stoa-play-hub-'));
const PASSWORD = 'desktop seat password';
const children = [];
const start = starter(children, 'ignore');
const waitFor = (what, fn, ms = 30000) => waitForEvery(what, fn, ms, 200);
const problems = [];
const t0 = Date.now();
const check = (ok, what) => { console.log((ok ? 'ok   ' : 'FAIL ') + what + `  [${((Date.now() - t0) / 1000).toFixed(1)} s]`); if (!ok) problems.push(what); };
const xdo = (...a) => execFileSync('xdotool', a.map(String), { timeout: 20000 });

const port = await freePort();
const url = `http://127.0.0.1:${port}/`;
const lessons = join(source, 'scenes/agora/lessons');
const hub = start(stoa, ['hub', '--listen', `127.0.0.1:${port}`, '--data', join(work, 'hub'), '--lessons', lessons,
  '--no-browser'], { STOA_HUB_PASSWORD: PASSWORD });
await waitFor('the hub to print its join code', () => /join code (\w{6})/.test(hub.output));
const code = /join code (\w{6})/.exec(hub.output)[1];
const desk = start(stoa, ['play', join(lessons, 'stoa-poikile.yaml'), '--hub', url, '--join', code, '--device', 'Desk 7',
  '--traces', join(work, 'traces'), '--size', '480x360', '--msaa', '1', '--max-seconds', '150', '--speed', '2'],
{ XDG_STATE_HOME: join(work, 'state'), XDG_CACHE_HOME: join(work, 'cache'), STOA_AUDIO_SILENT: '1' });
const browser = await launchChromium(chromium);
try {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' })).newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const state = () => page.evaluate(async () => (await fetch('/api/state')).json());
  await logIn(page, url, PASSWORD);
  await waitFor('the desktop online', async () => (await state()).headsets.some((h) => h.connected && h.name === 'Desk 7'), 60000);
  const me = async () => (await state()).headsets.find((h) => h.name === 'Desk 7');
  await waitFor('the desktop in the lobby', async () => (await me()).phase === 'lobby', 30000);
  const h0 = await me();
  check(h0.seat === 'desktop', `/api/state says the seat is a desktop (${JSON.stringify({ seat: h0.seat, phase: h0.phase })})`);
  const badge = page.locator('.headset', { has: page.locator('.label', { hasText: 'Desk 7' }) }).locator('.seat');
  await waitFor('the seat badge', async () => (await badge.count()) === 1 && await badge.isVisible(), 10000).catch(() => {});
  check((await badge.count()) === 1 && (await badge.textContent()).includes('Desktop'), 'the panel card shows the seat as "Desktop"');
  await page.screenshot({ path: join(outDir, 'hub-desktop-lobby.png'), fullPage: true });
  // The teacher launches the lesson on it (retried while its reports are late).
  let sent = 0;
  for (let i = 0; i < 40 && sent !== 1; i++, await sleep(500))
    sent = (await page.evaluate(async (id) => (await fetch('/api/command', { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': panel.csrf },
      body: JSON.stringify({ cmd: 'launch', lesson: 'stoa-poikile.yaml', targets: [id] }) })).json(), h0.id)).sent;
  check(sent === 1, 'the lesson is launched on the desktop');
  await waitFor('the lesson playing on the desktop', async () => (await me()).state === 'welcome' || (await me()).state === 'stoa', 60000);
  check(true, 'the launched lesson plays on the desktop (the panel shows its state)');
  // The welcome narration ends on its clock; then the learner looks up at
  // the painted back wall (60 px of mouse up: 0.15 rad) for its 3-s gaze trigger.
  await waitFor('the state "stoa"', async () => (await me()).state === 'stoa', 60000);
  const wid = execFileSync('xdotool', ['search', '--sync', '--name', 'Stoa play'], { timeout: 30000 }).toString().split(/\s+/)[0];
  xdo('windowmove', '--sync', wid, 192, 144); // away from the screen's edges (the cursor is captured)
  xdo('windowfocus', '--sync', wid);
  xdo('mousemove', 192 + 240, 144 + 180);
  await sleep(500);
  for (let i = 0; i < 3; i++, await sleep(250)) xdo('mousemove_relative', '--', 0, -20);
  await waitFor('the state "statue" (the gaze on the back wall)', async () => (await me()).state === 'statue', 40000)
    .then(() => check(true, 'the desktop learner\'s gaze moves the lesson on: "statue" in the panel'),
      (e) => check(false, e.message));
  await page.screenshot({ path: join(outDir, 'hub-desktop-playing.png'), fullPage: true });
  const stored = async () => (await state()).runs.reduce((n, r) => n + (r.statements || 0), 0);
  await waitFor('statements stored by the hub', async () => (await stored()) >= 5, 30000).catch(() => {});
  const st = await state();
  const run = st.runs.find((r) => r.statements > 0);
  check(run && run.statements >= 5, `the hub stores the desktop's statements (${run ? run.statements : 0})`);
  if (run) {
    const html = await page.evaluate(async (id) => (await fetch(`/api/report?run=${encodeURIComponent(id)}`)).text(), run.run);
    check(/desktop/i.test(html), 'the run\'s report, made from the stored statements, says "desktop"');
  }
  xdo('key', 'Escape');
  const ex = await Promise.race([desk.exited, sleep(30000).then(() => null)]);
  check(ex && ex.code === 0, `stoa play ends on Esc and exits 0 (${JSON.stringify(ex)})`);
  // Lesson time runs x2 (--speed): the welcome narration and the gaze take
  // half as long. 'stoa' also moves on by itself after 60 s of lesson time:
  // its local trace's timestamps (lesson time) say the gaze was first.
  const traces = readdirSync(join(work, 'traces')).filter((f) => f.endsWith('.jsonl'));
  // A launch switches to the hub's copy of the lesson: not an edit to reload
  // (that restarted the lesson in a second trace).
  check(traces.length === 1, `one trace for one launch (${traces.join(', ')})`);
  const rows = traces.flatMap((f) => readFileSync(join(work, 'traces', f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
  const entered = (st) => rows.find((r) => r.verb.id.endsWith('/experienced') && r.object.id.endsWith(`/states/${st}`));
  const a = entered('stoa'), b = entered('statue');
  const inStoa = a && b ? (Date.parse(b.timestamp) - Date.parse(a.timestamp)) / 1000 : null;
  check(inStoa !== null && inStoa < 55, `'statue' came from the gaze, not the 60-s timer (${inStoa} s of lesson time in 'stoa')`);
} catch (e) {
  check(false, `${e.message}`);
} finally {
  await browser.close();
  for (const c of children) c.kill('SIGINT');
  await Promise.all(children.map((c) => Promise.race([c.exited, sleep(10000)])));
}
if (problems.length) console.log(desk.output.slice(-3000));
console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s, ${problems.length} failed`);
process.exit(problems.length ? 1 : 0);
