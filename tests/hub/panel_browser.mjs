// SPDX-License-Identifier: Apache-2.0
// The control panel in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core): a hub and three scripted headsets on
// 127.0.0.1; the instructor logs in, sees the three headsets, starts the
// sample lesson on all, watches the progress bars move, pauses, resumes,
// ends, opens the report and switches to Chinese. One headset's name is
// hostile markup: it must show as text and never run. Screenshots go to
// OUT_DIR. Fails on console errors and on any request that leaves the hub.
//
//   node panel_browser.mjs HUB_DRIVER FAKE_HEADSET OUT_DIR
//
// With STOA_RUN=path/to/stoa the headsets are three real `stoa run --sim
// --hub URL --join CODE` processes (tiny eyes, real-time pacing): they start
// the lesson themselves, the panel's launch restarts it, and the test moves
// them on with "Skip" (the sample lesson waits for gazes and timers).
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, starter, waitFor as waitForEvery } from './panel_common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(resolve(here, '../browser/package.json'));
const { chromium } = require('playwright-core');

const [hubBin, headsetBin, outDir] = process.argv.slice(2);
if (!hubBin || !headsetBin || !outDir) {
  console.error('usage: node panel_browser.mjs HUB_DRIVER FAKE_HEADSET OUT_DIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const source = process.env.STOA_SOURCE_DIR || resolve(here, '../..');
const work = mkdtempSync(join(tmpdir(), 'stoa-panel-'));
const PASSWORD = 'panel test password';
const EVIL = '<img src=x onerror=pwned=1><script>pwned=1</script>Bob'; // fits the 64-byte name limit
const NAMES = ['Ana', 'Li Wei 李伟', EVIL];

const children = [];
const problems = [];

const start = starter(children, 'ignore');

const waitFor = (what, fn, ms = 30000) => waitForEvery(what, fn, ms, 100);

const port = await freePort();
const url = `http://127.0.0.1:${port}/`;
const hub = start(hubBin, ['--listen', `127.0.0.1:${port}`, '--data', join(work, 'hub'),
  '--lessons', join(source, 'scenes/agora/lessons'), '--no-browser'], { STOA_HUB_PASSWORD: PASSWORD });
// The hub hashes its password (Argon2id, 64 MiB) before it listens: seconds
// on a loaded machine. A hub that never says so leaves no process behind.
await waitFor('the hub to print its join code', () => /join code (\w{6})/.test(hub.output), 60000).catch((e) => {
  for (const c of children) c.kill('SIGKILL');
  console.error('hub output:\n' + hub.output);
  throw e;
});
const code = /join code (\w{6})/.exec(hub.output)[1];
const real = process.env.STOA_RUN;
const lessonFile = join(source, 'scenes/agora/lessons/stoa-poikile.yaml');
// The first real headset starts with another lesson: the launch must switch it.
const otherLesson = join(source, 'scenes/agora/lessons/zeno-zh.yaml');
NAMES.forEach((name, i) => {
  const dir = join(work, `headset${i}`);
  if (!real) {
    // A content cache of its own, as each headset has (not the user's).
    // A state every 0.5 s (was 1.5 s: the quiz, 8 states in, came 12 s after a launch).
    start(headsetBin, ['--hub', url, '--join', code, '--name', name, '--dir', dir, '--step', '0.5', '--seconds', '150'],
      { XDG_CACHE_HOME: join(dir, 'cache') });
    return;
  }
  mkdirSync(dir, { recursive: true });
  start(real, ['run', i === 0 ? otherLesson : lessonFile, '--sim', '--hub', url, '--join', code, '--device', name,
    '--traces', join(dir, 'traces'), '--max-seconds', '150'],
  { XDG_STATE_HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), STOA_XRSIM_EYE_SIZE: '64x64', STOA_XRSIM_REFRESH_HZ: '30', STOA_XRSIM_REALTIME: '1' });
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-US' });
  const page = await context.newPage();
  // Failed loads are checked by response (a wrong password's 401 is expected).
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !(r.url().endsWith('/api/login') && r.status() === 401))
      problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(url)) problems.push(`request outside the hub: ${r.url()}`); });
  page.on('dialog', (d) => d.accept());
  const shot = (name) => page.screenshot({ path: join(outDir, name), fullPage: true });
  const progress = () => page.$$eval('.headset .bar', (bars) => bars.map((b) => Number(b.getAttribute('aria-valuenow'))));
  const texts = (sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent));

  await page.goto(url);
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#password', 'not the password');
  await page.click('#login-form button');
  await page.waitForFunction(() => document.querySelector('#login-error').textContent.length > 0);
  await shot('00-login-wrong-password.png');
  await page.fill('#password', PASSWORD);
  await page.click('#login-form button');
  await page.waitForSelector('#app:not([hidden])');

  await waitFor('three headsets online', async () =>
    (await texts('.headset .dot.on')).length === 3);
  const names = await texts('.headset .label');
  for (const n of NAMES) if (!names.includes(n)) problems.push(`headset "${n}" not shown as text (got ${JSON.stringify(names)})`);
  await shot('01-three-headsets.png');

  await page.selectOption('#lesson', 'stoa-poikile.yaml');
  await page.click('#launch-all');
  await waitFor('the toast', async () => (await page.textContent('#toast')).includes('3'));
  // A real headset moves on when the instructor skips, and #skip goes to
  // every headset: skipping while one still loads would run the others on,
  // to the lesson's end under load (then no Paused badge). So a skip only
  // when every headset is in the lesson ("Title — state").
  const nudge = async () => {
    if (!real || !(await texts('.headset .state')).every((s) => s.includes(' — '))) return;
    await page.click('#skip');
    await sleep(1500);
  };
  await waitFor('all progress bars to move', async () => { await nudge(); return (await progress()).every((p) => p > 0); }, 60000);
  if (real && !children[1].output.includes('switching to lesson'))
    problems.push(`the headset that played another lesson did not switch:\n${children[1].output.slice(-1500)}`);
  // Every bar moves on (waited for, not a fixed 3.5 s sleep; a bar that
  // stays still fails the wait).
  const before = await progress();
  await waitFor(`progress to move on from ${before}`, async () => {
    await nudge();
    return (await progress()).every((p, i) => p > before[i]);
  }, 30000);
  await shot('02-lesson-running.png');

  await page.click('#pause');
  await waitFor('three "Paused" badges', async () => (await texts('.alert.paused')).length === 3);
  await sleep(1000);
  const paused1 = await progress();
  await sleep(real ? 3000 : 1500); // a scripted headset not paused moves 3 states in 1.5 s
  const paused2 = await progress();
  if (paused1.join() !== paused2.join()) problems.push(`progress moved while paused: ${paused1} -> ${paused2}`);
  await shot('03-paused.png');

  await page.click('#resume');
  await waitFor('the badges to go', async () => (await texts('.alert.paused')).length === 0);
  await waitFor('progress after resume', async () => { await nudge(); return (await progress()).some((p, i) => p > paused2[i]); }, 30000);

  await page.fill('#message', 'Look at the columns, please');
  await page.click('#send-message');
  await waitFor('message sent', async () => (await page.textContent('#toast')).includes('3'));

  await page.click('#end');
  // Every headset waits for the next lesson (`stoa run --hub` goes back to its lobby).
  await waitFor('every headset to finish', async () =>
    (await texts('.headset .state')).every((s) => s === 'Waiting for a lesson' || s === 'In the lobby, waiting for you'), 30000);
  await waitFor('a report link', async () => (await page.$$('#runs a')).length > 0);
  await shot('04-ended.png');
  for (const h of children.slice(1))
    for (const cmd of ['launch', 'pause', 'resume', 'message', 'end'])
      if (!h.output.includes(`: ${cmd}`)) problems.push(`a headset never got "${cmd}":\n${h.output.slice(-1500)}`);

  const reportUrl = await page.getAttribute('#runs a', 'href');
  const report = await context.newPage();
  const res = await report.goto(new URL(reportUrl, url).href);
  if (res.status() !== 200) problems.push(`report: HTTP ${res.status()}`);
  await report.screenshot({ path: join(outDir, '05-report.png') });
  await report.close();

  if (!real) { // the scripted headsets reach the quiz: its live results fill in
    await page.click('#launch-all');
    await waitFor('live quiz results', async () => (await page.$$('#quiz tbody tr')).length > 0, 60000);
    await waitFor('every learner answered', async () => {
      const [right, wrong] = await page.$$eval('#quiz tbody tr td.num', (tds) => tds.map((t) => Number(t.textContent)));
      return right + wrong === 3;
    }, 30000);
    await shot('06-quiz-results.png');
  }

  await page.selectOption('#lang', 'zh-CN');
  await waitFor('Chinese labels', async () => (await page.textContent('#launch-all')) === '在所有头显上开始');
  await shot('07-chinese.png');
  if (!real) { // the lesson's own Chinese: state titles and questions, not the headset's English
    const cjk = /[\u4e00-\u9fff]/;
    const states = await texts('.headset .state');
    if (!states.some((x) => cjk.test(x))) problems.push(`state titles not in Chinese: ${JSON.stringify(states)}`);
    const questions = await texts('#quiz tbody td:first-child');
    if (!questions.every((x) => cjk.test(x))) problems.push(`questions not in Chinese: ${JSON.stringify(questions)}`);
  }

  if (await page.evaluate(() => window.pwned)) problems.push('a headset name ran as script');
} catch (e) {
  failed = true;
  console.error(e);
  try { await browser.contexts()[0]?.pages()[0]?.screenshot({ path: join(outDir, 'failure.png'), fullPage: true }); } catch (e2) { /* best effort */ }
} finally {
  await browser.close();
  for (const c of children) c.kill('SIGTERM');
  // Each must stop cleanly on SIGTERM (and, in a sanitizer build, report nothing).
  // A real headset tells the hub, flushes its log and ends its Vulkan device:
  // at a few per cent of a core (load 50) that took over 15 s.
  // One deadline for all of them (they stop side by side), so that a
  // failed run still prints its diagnosis within ctest's limit.
  const deadline = sleep(real ? 60000 : 15000).then(() => ({ code: 'hung' }));
  for (const c of children) {
    const { code, signal } = await Promise.race([c.exited, deadline]);
    if (code !== 0) problems.push(`${c.spawnargs.slice(0, 1)} exited with ${code ?? signal}:\n${c.output.slice(-2000)}`);
  }
}
for (const p of problems) console.error('problem:', p);
if (failed || problems.length) {
  console.error('hub output:\n' + hub.output);
  // What each headset was doing (a failed wait says only what did not come).
  children.slice(1).forEach((c, i) => console.error(`headset ${i} (${NAMES[i]}) output, last lines:\n${c.output.slice(-2500)}`));
  process.exit(1);
}
console.log(`panel ok: screenshots in ${outDir}`);
