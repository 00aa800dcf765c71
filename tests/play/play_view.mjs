// SPDX-License-Identifier: Apache-2.0
// Issue 16 on a desktop seat: `stoa play --hub URL --join CODE` sends
// pictures like a headset. A real hub; `stoa play` in a window (this script
// runs under xvfb-run); the panel in headless Chromium. Checks: the desktop's
// card gets a thumbnail; the learner turns (xdotool) and the thumbnail
// changes (pixels compared, and the same view again is the same picture);
// /api/view serves it with the stages' times; the large view opens at
// 720 px; the desktop shows the "watched" sign in its log. Pictures:
// OUT_DIR/view-*.png.
//
//   xvfb-run -a node play_view.mjs STOA OUT_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
const work = mkdtempSync(join(tmpdir(), 'stoa-play-view-'));
const PASSWORD = 'desktop view password';
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
const desk = start(stoa, ['play', join(lessons, 'stoa-poikile.yaml'), '--hub', url, '--join', code, '--device', 'Desk 9',
  '--traces', join(work, 'traces'), '--size', '480x360', '--msaa', '1', '--max-seconds', '150'],
{ XDG_STATE_HOME: join(work, 'state'), XDG_CACHE_HOME: join(work, 'cache'), STOA_AUDIO_SILENT: '1' });
const browser = await launchChromium(chromium);
try {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' })).newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const state = () => page.evaluate(async () => (await fetch('/api/state')).json());
  await logIn(page, url, PASSWORD);
  await waitFor('the desktop online', async () => (await state()).headsets.some((h) => h.connected && h.name === 'Desk 9'), 60000);
  const me = (await state()).headsets.find((h) => h.name === 'Desk 9');
  const card = page.locator('.headset', { has: page.locator('.label', { hasText: 'Desk 9' }) });
  const thumb = card.locator('canvas.thumb');
  // A canvas's size and sequence number (png: and a 64x48 copy's RGBA, the PNG): the desktop card's
  // thumbnail (sel null; found by its name each time: cards are redrawn) or sel.
  const grab = (sel, png = true) => page.evaluate(([sel, png]) => {
    let c = sel ? document.querySelector(sel) : null;
    if (!sel)
      for (const card of document.querySelectorAll('.headset'))
        if (card.textContent.includes('Desk 9')) c = card.querySelector('canvas.thumb');
    if (!c || !c.classList.contains('has-picture')) return null;
    if (!png) return { seq: Number(c.dataset.seq), w: c.width, h: c.height };
    // Compared at 64x48 (averaged by the scaling): small to carry, enough to see a turn.
    const small = document.createElement('canvas');
    small.width = 64;
    small.height = 48;
    small.getContext('2d').drawImage(c, 0, 0, 64, 48);
    const d = small.getContext('2d').getImageData(0, 0, 64, 48).data;
    return { seq: Number(c.dataset.seq), w: c.width, h: c.height, px: Array.from(d), png: c.toDataURL('image/png'), stages: c.dataset.stages };
  }, [sel, png]);
  const sel = null;
  await waitFor('a picture on the desktop\'s thumbnail', async () => (await grab(sel, false)) !== null, 60000)
    .catch(() => {});
  const save = (name, g) => g && writeFileSync(join(outDir, name), Buffer.from(g.png.split(',')[1], 'base64'));
  // A few pictures in: the lobby is built and the "watched" sign shows in them.
  const first = await grab(sel, false);
  await waitFor('a third thumbnail', async () => { const g = await grab(sel, false); return g && first && g.seq >= first.seq + 2; }, 20000).catch(() => {});
  const a = await grab(sel);
  check(a !== null, 'the desktop seat\'s card shows a thumbnail');
  check(/live view on/.test(desk.output), '`stoa play` says its live view is on (the "watched" sign)');
  save('view-thumb-a.png', a);
  // The same view a little later: the same picture (nothing moves in the lobby but the light).
  await waitFor('a newer thumbnail', async () => { const g = await grab(sel, false); return g && g.seq > a.seq; }, 20000).catch(() => {});
  const a2 = await grab(sel);
  const diff = (p, q) => { let s = 0, n = 0; for (let i = 0; i < p.px.length; i += 4, n++) s += Math.abs(p.px[i] - q.px[i]) + Math.abs(p.px[i + 1] - q.px[i + 1]) + Math.abs(p.px[i + 2] - q.px[i + 2]); return s / (3 * n); };
  const still = a && a2 && a2.seq > a.seq ? diff(a, a2) : NaN;
  check(still < 4, `the same view twice is the same picture (mean difference ${still.toFixed(2)} of 255)`);
  // The learner turns right by about 70 degrees (480 px of mouse at 0.0025 rad/px).
  const wid = execFileSync('xdotool', ['search', '--sync', '--name', 'Stoa play'], { timeout: 30000 }).toString().split(/\s+/)[0];
  xdo('windowmove', '--sync', wid, 192, 144);
  xdo('windowfocus', '--sync', wid);
  xdo('mousemove', 192 + 240, 144 + 180);
  await sleep(500);
  for (let i = 0; i < 12; i++, await sleep(100)) xdo('mousemove_relative', '--', 40, 0);
  const seqTurned = (await grab(sel, false)).seq;
  await waitFor('a thumbnail after the turn', async () => { const g = await grab(sel, false); return g && g.seq > seqTurned + 1; }, 30000).catch(() => {});
  const b = await grab(sel);
  save('view-thumb-b.png', b);
  const turned = b ? diff(a, b) : NaN;
  check(turned > 3 * Math.max(still, 1), `the thumbnail changes when the view turns (mean difference ${turned.toFixed(2)} vs ${still.toFixed(2)})`);
  // /api/view for scripts: the JPEG and the stages' times in order.
  const api = await page.evaluate(async (id) => { const r = await fetch(`/api/view?device=${id}`);
    return { status: r.status, type: r.headers.get('Content-Type'), drawn: Number(r.headers.get('X-Stoa-Drawn')), stages: r.headers.get('X-Stoa-Stages') }; }, me.id);
  const st = (api.stages || '').split(',').map(Number);
  check(api.status === 200 && api.type === 'image/jpeg', `/api/view serves the desktop's picture (${api.status} ${api.type})`);
  check(st.length === 4 && api.drawn > 0 && api.drawn <= st[0] && st[0] <= st[1] && st[1] <= st[2] && st[2] <= st[3],
    `the picture carries its stages' times in order: drawn ${api.drawn}, recorded/ready/encoded/at the hub ${api.stages}`);
  if (b && b.stages) console.log(`     stages of the last thumbnail (ms after drawn): ${b.stages.split(',').map(Number).map((v, i, s) => v - s[0]).join(', ')}`);
  await page.screenshot({ path: join(outDir, 'view-panel.png'), fullPage: true });
  // The large view.
  await thumb.click({ timeout: 20000 });
  check(true, 'the thumbnail is clicked');
  await waitFor('the desktop told 720 px', () => /live view on: 720 px/.test(desk.output), 40000)
    .then(() => check(true, 'the desktop is asked for the large view (720 px)'), (e) => check(false, e.message));
  await waitFor('the large view at 720 px', () => page.evaluate(() => { const c = document.querySelector('#large-view canvas');
    return c && c.width === 720 && c.classList.contains('has-picture'); }), 40000).catch(() => {});
  const large = await grab('#large-view canvas');
  check(large && large.w === 720, `the large view shows the desktop at 720 px (${large ? large.w + 'x' + large.h : 'none'})`);
  save('view-large.png', large);
  await page.screenshot({ path: join(outDir, 'view-large-panel.png') });
  xdo('key', 'Escape');
  const ex = await Promise.race([desk.exited, sleep(30000).then(() => null)]);
  check(ex && ex.code === 0, `stoa play ends on Esc and exits 0 (${JSON.stringify(ex)})`);
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
