// SPDX-License-Identifier: Apache-2.0
// Issue 16's proof through the panel: two real simulated headsets (`stoa run
// --sim --hub`, small eyes, xrsim's fast clock) and the panel in headless
// Chromium. Headset A turns its head round and round; B looks ahead and
// holds its menu button (a raised hand). Checks: the thumbnails appear and
// change as A turns (pictures compared pixel by pixel, not only counted);
// the large view follows A at 720 px with its gaze point and sequence
// numbers rising, and its "look here" reaches A only; B's hand reaches the panel, the teacher's answer reaches
// B only and lowers the hand; after a launch every card shows attention
// and A's changes as it turns (the lesson is launched at the start and loads
// meanwhile); turning the views off stops the pictures. The pictures come
// pushed on the panel's WebSocket (/ws/panel), not fetched.
// Under load (a shared CI machine: a frame a second or slower) every step
// waits for the event it checks, with generous limits, never for a fixed
// time; a quiet machine passes each wait as soon as the event happens.
// Screenshots: OUT_DIR/views-thumbnails.png, views-large.png.
//
//   node panel_views.mjs STOA OUT_DIR
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, starter, waitFor as waitForEvery, chromiumOrSkip, launchChromium, logIn } from './panel_common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const chromium = chromiumOrSkip();

const [stoa, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const source = process.env.STOA_SOURCE_DIR || resolve(here, '../..');
const work = mkdtempSync(join(tmpdir(), 'stoa-views-'));
const PASSWORD = 'views panel password';
const children = [];
const start = starter(children, 'ignore');
const waitFor = (what, fn, ms = 40000) => waitForEvery(what, fn, ms, 100);
const problems = [];
const t0 = Date.now();
const check = (ok, what) => { console.log((ok ? 'ok   ' : 'FAIL ') + what + `  [${((Date.now() - t0) / 1000).toFixed(1)} s]`); if (!ok) problems.push(what); };

// A turns a full circle every 6 s; B presses the menu button at 1 s and holds
// it (one press raises the hand once, however long it is held).
const turn = ['head:'];
for (let t = 0; t <= 600; t += 1.5) turn.push(`  - {t: ${t}, position: [0, 1.7, 0], yaw: ${(t / 1.5) * 90}}`);
writeFileSync(join(work, 'turn.yaml'), turn.join('\n') + '\n');
writeFileSync(join(work, 'hand.yaml'), 'events:\n' +
  '  - {t: 1, set: /user/hand/left/input/menu/click, value: true}\n');

const port = await freePort();
const url = `http://127.0.0.1:${port}/`;
const lessons = join(source, 'scenes/agora/lessons');
const hub = start(stoa, ['hub', '--listen', `127.0.0.1:${port}`, '--data', join(work, 'hub'), '--lessons', lessons,
  '--no-browser'], { STOA_HUB_PASSWORD: PASSWORD });
await waitFor('the hub to print its join code', () => /join code (\w{6})/.test(hub.output));
const code = /join code (\w{6})/.exec(hub.output)[1];
const heads = {};
for (const [name, script] of [['A', 'turn.yaml'], ['B', 'hand.yaml']]) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  heads[name] = start(stoa, ['run', join(lessons, 'stoa-poikile.yaml'), '--sim', '--hub', url, '--join', code,
    '--device', `Headset ${name}`, '--traces', join(dir, 'traces'), '--max-seconds', '400'],
  { XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache'), STOA_XRSIM_EYE_SIZE: '192x192',
    STOA_XRSIM_REALTIME: '1', STOA_XRSIM_REFRESH_HZ: '20', STOA_AUDIO_SILENT: '1', STOA_LOG: 'warn', STOA_XRSIM_SCRIPT: join(work, script) });
}

const browser = await launchChromium(chromium);
try {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1100 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(120000); // the sign-in's Argon2id and the clicks, on a machine at load 50+
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  let fetched = 0; // the panel's own fetches of pictures (none while they are pushed)
  page.on('request', (r) => { if (/\/api\/view\?.*from=panel/.test(r.url())) fetched++; });
  let expect404 = false; // the test's own requests for what is not there
  page.on('console', (m) => {
    if (m.type() === 'error' && !(expect404 && /404/.test(m.text()))) problems.push(`console error: ${m.text()}`);
  });
  const state = () => page.evaluate(async () => (await fetch('/api/state')).json());
  const viewsNow = () => page.evaluate(async () => (await fetch('/api/views')).json());
  await logIn(page, url, PASSWORD);
  await waitFor('both headsets online', async () => (await state()).headsets.filter((h) => h.connected).length === 2, 90000);
  const ids = Object.fromEntries((await state()).headsets.map((h) => [h.name.slice(-1), h.id]));
  // The "Live views" switch sits by its label; the library shows no "0 s"
  // for a lesson without expected times (zeno-zh.yaml has none).
  const [boxW, gap] = await page.evaluate(() => {
    const box = document.querySelector('#views-on').getBoundingClientRect();
    return [box.width, document.querySelector('#views-on').nextElementSibling.getBoundingClientRect().left - box.right];
  });
  check(boxW < 32 && gap >= 0 && gap < 16, `the "Live views" checkbox sits by its label (${boxW.toFixed(0)} px wide, ${gap.toFixed(0)} px apart)`);
  await waitFor('the lesson library', async () => /Zeno/.test(await page.textContent('#library')));
  const library = await page.textContent('#library');
  check(!/\b0 s\b/.test(library), `no lesson is listed as lasting "0 s" (${library.replace(/\s+/g, ' ').slice(0, 160)})`);
  // The lesson (key nodes: attention) loads meanwhile; the views go on through the switch.
  // A headset busy starting (its reports late) is no target yet: each is
  // launched until the hub says it went.
  const launched = new Set();
  for (const end = Date.now() + 90000; Date.now() < end && launched.size < 2; await sleep(500))
    for (const id of [ids.A, ids.B].filter((id) => !launched.has(id))) {
      const r = await page.evaluate(async (id) => (await fetch('/api/command', { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': panel.csrf },
        body: JSON.stringify({ cmd: 'launch', lesson: 'stoa-poikile.yaml', targets: [id] }) })).json(), id);
      if (r.sent === 1) launched.add(id);
    }
  check(launched.size === 2, 'the lesson is launched on both headsets');
  check(Number.isInteger(ids.A) && Number.isInteger(ids.B), `/api/state lists each device's id (${JSON.stringify(ids)})`);

  // 1. Thumbnails: the pixels of A's card, twice, some time apart.
  const pixels = (id) => page.evaluate((id) => {
    const c = [...document.querySelectorAll('.headset')].find((r) => r.h && r.h.id === id).querySelector('canvas.thumb');
    if (!c.classList.contains('has-picture')) return null;
    // The picture at 64x48, red and green: enough to compare, small to carry.
    const small = document.createElement('canvas');
    small.width = 64;
    small.height = 48;
    small.getContext('2d').drawImage(c, 0, 0, 64, 48);
    const d = small.getContext('2d').getImageData(0, 0, 64, 48).data;
    const data = [];
    for (let i = 0; i < d.length; i += 4) data.push(d[i], d[i + 1]);
    return { seq: c.dataset.seq, data };
  }, id);
  // (generous: under load the launched lesson takes a while to load and draw)
  await waitFor('thumbnails on both cards', async () => (await pixels(ids.A)) && (await pixels(ids.B)), 100000);
  check(await page.evaluate(() => push.open), 'the panel\'s WebSocket for pictures is open');
  const fetchedBefore = fetched;
  const diff = (a, b) => { let s = 0; for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]); return s / a.length; };
  const a1 = await pixels(ids.A);
  await waitFor('a newer thumbnail of A', async () => (await pixels(ids.A)).seq !== a1.seq);
  // A turns: a later picture differs clearly (waited for: under load a
  // frame may take seconds, and pictures come as frames are drawn).
  let best = 0, pics = 0, lastSeq = a1.seq;
  await waitFor('a thumbnail of A that differs from the first', async () => {
    const p = await pixels(ids.A);
    if (p.seq !== lastSeq) pics++, lastSeq = p.seq;
    best = Math.max(best, diff(a1.data, p.data));
    return best >= 8;
  }, 60000).catch(() => null);
  check(best >= 8, `A's thumbnail changes as A turns its head (mean difference ${best.toFixed(1)} of 255, ${pics} newer pictures)`);
  check(fetched === fetchedBefore, `the thumbnails are pushed, not fetched (${fetched - fetchedBefore} fetches)`);
  const jpeg = await page.evaluate(async (id) => {
    const r = await fetch(`/api/view?device=${id}`);
    return { status: r.status, type: r.headers.get('Content-Type'), size: (await r.arrayBuffer()).byteLength };
  }, ids.A);
  check(jpeg.status === 200 && jpeg.type === 'image/jpeg' && jpeg.size > 500, `GET /api/view answers a JPEG (${JSON.stringify(jpeg)})`);
  const anon = await (await fetch(`${url}api/view?device=${ids.A}`)).status;
  check(anon === 401 || anon === 403, `GET /api/view needs the instructor's session (${anon})`);
  expect404 = true;
  const none = await page.evaluate(async () => (await fetch('/api/view?device=999999')).status);
  check(none === 404, `an unknown device's view is 404 (${none})`);
  expect404 = false;
  await page.screenshot({ path: join(outDir, 'views-thumbnails.png'), fullPage: true });

  // 2. The large view of A.
  await page.locator('.headset', { has: page.locator('.label', { hasText: 'Headset A' }) }).locator('canvas.thumb').click();
  await page.waitForSelector('#large-view');
  await waitFor('720 px pictures in the large view', () => page.evaluate(() => {
    const c = document.querySelector('#large-view canvas');
    return c.classList.contains('has-picture') && c.width === 720;
  }), 60000);
  const seqs = [];
  const largeSeq = () => page.evaluate(() => Number(document.querySelector('#large-view canvas').dataset.seq));
  await waitFor('three more pictures in the large view', async () => {
    const q = await largeSeq();
    if (seqs[seqs.length - 1] !== q) seqs.push(q);
    return q > seqs[0] + 2;
  }, 60000).catch(() => null);
  check(seqs[seqs.length - 1] > seqs[0] + 2, `the large view follows A live (sequence ${seqs.join(',')})`);
  const v = await viewsNow();
  const la = v.headsets.find((h) => h.id === ids.A);
  check(la && la.large && la.width === 720 && la.fps > 2, `the hub asks A for the large view (${JSON.stringify(la)})`);
  check(heads.A.output.includes('live view on: 720 px'), 'A was told to send 720 px pictures');
  const title = await page.textContent('#large-view h3');
  check(title.includes('Headset A'), `the large view names the learner (${title})`);
  await page.screenshot({ path: join(outDir, 'views-large.png'), fullPage: false });
  // "Look here" from the large view goes to A only.
  await waitFor('key nodes in the large view', async () => (await page.$$('#large-node option')).length > 0);
  await page.click('#large-look');
  await waitFor('A hears "look here"', () => /instructor says: look_here/.test(heads.A.output));
  await sleep(500);
  check(!/look_here/.test(heads.B.output), '"look here" from the large view reaches that learner only');

  // 3. B's raised hand, answered to B only.
  await waitFor('B\'s hand in the panel', async () => (await page.$$('.hand-item')).length === 1);
  const handText = await page.textContent('.hand-item');
  check(handText.includes('Headset B') && await page.$('.headset.hand') !== null, `the hand reaches the panel and B's card lights up (${handText.trim().slice(0, 40)})`);
  // The large view's Close button can be seen: its text stands out from the
  // box (the header's white "plain" style made it white on white).
  const closeLook = await page.$eval('#large-close', (b) => {
    const lum = (c) => { const v = c.match(/[\d.]+/g).map(Number); return (0.299 * v[0] + 0.587 * v[1] + 0.114 * v[2]) / 255; };
    const box = getComputedStyle(document.querySelector('.large-view')).backgroundColor;
    const r = b.getBoundingClientRect();
    return { text: lum(getComputedStyle(b).color), box: lum(box), visible: r.width > 0 && r.bottom <= innerHeight };
  });
  check(Math.abs(closeLook.text - closeLook.box) > 0.4 && closeLook.visible, `the large view's Close button can be seen (text ${closeLook.text.toFixed(2)} on ${closeLook.box.toFixed(2)}, in view ${closeLook.visible})`);
  await page.click('#large-close');
  await page.fill('.hand-item input', 'Coming to you');
  await page.click('.hand-item button');
  await waitFor('B hears the answer', () => /instructor says: message.*Coming to you/.test(heads.B.output));
  await waitFor('B\'s hand goes down', async () => (await page.$$('.hand-item')).length === 0 && /hand lowered/.test(heads.B.output));
  check(!/Coming to you/.test(heads.A.output), 'the answer reached B only');

  // 4. Attention, once the lesson (it has key nodes) plays: first both
  // cards show one (the lesson has loaded on both), then A's changes as it
  // turns (each sample needs a frame drawn: slow under load).
  const seen = { A: new Set(), B: new Set() };
  const lookAt = async () => {
    for (const h of (await state()).headsets) if (h.attention !== undefined) seen[h.name.slice(-1)].add(h.attention);
  };
  await waitFor('attention on both cards', async () => { await lookAt(); return seen.A.size >= 1 && seen.B.size >= 1; }, 100000);
  await waitFor('A\'s attention both ways', async () => { await lookAt(); return seen.A.size === 2; }, 60000);
  const share = await page.textContent('#attention-share');
  check(/of 2/.test(share), `the class's share shows (${share})`);
  check(seen.A.size === 2, 'A\'s attention changes as it turns');

  // 5. Views off: no more pictures.
  await page.uncheck('#views-on');
  await waitFor('both headsets told to stop', () => /live view off/.test(heads.A.output) && /live view off/.test(heads.B.output));
  // Then no picture arrives (one already on its way when the headset heard
  // it may still land: waited for, 2 s without any).
  let before = (await viewsNow()).bytes_total, after = null, quiet = Date.now();
  await waitFor('2 s without pictures', async () => {
    after = await viewsNow();
    if (after.bytes_total !== before) before = after.bytes_total, quiet = Date.now();
    return Date.now() - quiet >= 2000;
  }, 30000).catch(() => null);
  check(after && after.bytes_total === before && !after.enabled && Date.now() - quiet >= 2000,
    `no picture arrives while views are off (${before} -> ${after && after.bytes_total})`);
  expect404 = true;
  const off = await page.evaluate(async (id) => (await fetch(`/api/view?device=${id}`)).status, ids.A);
  check(off === 404, `nothing is kept while views are off (${off})`);
} catch (e) {
  problems.push(String(e && e.stack || e));
} finally {
  await browser.close();
  for (const c of children) c.kill('SIGINT');
  await Promise.all(children.map((c) => Promise.race([c.exited, sleep(4000)])));
  for (const c of children) c.kill('SIGKILL');
}
if (problems.length) {
  console.log('problems:\n' + problems.join('\n'));
  for (const [n, h] of Object.entries(heads)) console.log(`--- headset ${n}:\n` + h.output.slice(-1500));
  process.exit(1);
}
console.log('all views checks passed');
