// SPDX-License-Identifier: Apache-2.0
// Issue 17's "place together" through the panel (docs/ar.md, "Placing
// together"): two real simulated headsets (`stoa run --sim --hub`, small
// eyes, validation layers on) play the tabletop agora in AR, each learner
// putting the model down at a different spot of the room; the teacher
// clicks "Place together" in the panel (headless Chromium).
//   anchor  the headsets share xrsim's anchor store (one folder: the
//           runtime offers shared, persisted anchors): both end with the
//           model at the same physical pose (their logs, within 1 cm and
//           1 degree), both cards say "Placed together".
//   marker  xrsim offers no anchor persistence: each headset picks the
//           model up and waits at "Aim at your marker" (the card says so),
//           its learner aims and pulls the trigger, the card says "Model
//           placed".
// The learners pull the trigger every 1.5 s (the teacher's click comes when
// it comes); the headsets run on xrsim's real-time clock at 20 Hz, as in
// panel_views.mjs: the teacher's actions are wall-clock events, and the
// fast clock would run the learners' scripts ahead of them.
// Screenshot: OUT_DIR/ar-MODE.png.
//
//   node panel_ar.mjs STOA OUT_DIR anchor|marker
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, starter, waitFor as waitForEvery, chromiumOrSkip, launchChromium, logIn } from './panel_common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const chromium = chromiumOrSkip();

const [stoa, outDir, mode] = process.argv.slice(2);
if (mode !== 'anchor' && mode !== 'marker') {
  console.log('usage: node panel_ar.mjs STOA OUT_DIR anchor|marker');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const source = process.env.STOA_SOURCE_DIR || resolve(here, '../..');
const work = mkdtempSync(join(tmpdir(), 'stoa-ar-'));
const PASSWORD = 'ar panel password';
const LESSON = 'agora-tabletop.yaml';
const children = [];
const start = starter(children, 'ignore');
const waitFor = (what, fn, ms = 30000) => waitForEvery(what, fn, ms, 150);
const problems = [];
const t0 = Date.now();
const check = (ok, what) => { console.log((ok ? 'ok   ' : 'FAIL ') + what + `  [${((Date.now() - t0) / 1000).toFixed(1)} s]`); if (!ok) problems.push(what); };
const VALIDATION = /VUID-|Validation Error|Validation Warning|XR_ERROR_VALIDATION_FAILURE/i;

// Two learners at the start pose aiming at different spots of the table
// (A its centre, B nearer its right edge), pulling the trigger every 1.5 s.
function script(yaw, pitch) {
  const lines = ['profile: /interaction_profiles/oculus/touch_controller', 'passthrough: false',
    'camera: {color: [120, 40, 160]}'];
  if (mode === 'marker') lines.push('anchors: {persistence: false}');
  lines.push('head:', '  - {t: 0.0, position: [0, 1.6, 0.2], pitch: -35}',
    'left:', '  - {t: 0.0, position: [-0.25, 1.2, -0.2]}',
    'right:', `  - {t: 0.0, position: [0.2, 1.2, -0.2], yaw: ${yaw}, pitch: ${pitch}}`, 'events:');
  for (let t = 1.5; t < 600; t += 1.5) {
    lines.push(`  - {t: ${t.toFixed(1)}, set: /user/hand/right/input/trigger/value, value: 1.0}`);
    lines.push(`  - {t: ${(t + 0.3).toFixed(1)}, set: /user/hand/right/input/trigger/value, value: 0.0}`);
  }
  return lines.join('\n') + '\n';
}
writeFileSync(join(work, 'A.yaml'), script(14.0, -28.6));
writeFileSync(join(work, 'B.yaml'), script(-8.0, -26.0));

const port = await freePort();
const url = `http://127.0.0.1:${port}/`;
const lessons = join(source, 'scenes/agora/lessons');
const hub = start(stoa, ['hub', '--listen', `127.0.0.1:${port}`, '--data', join(work, 'hub'), '--lessons', lessons,
  '--no-browser'], { STOA_HUB_PASSWORD: PASSWORD });
await waitFor('the hub to print its join code', () => /join code (\w{6})/.test(hub.output));
const code = /join code (\w{6})/.exec(hub.output)[1];
const heads = {};
for (const name of ['A', 'B']) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  heads[name] = start(stoa, ['run', join(lessons, LESSON), '--sim', '--hub', url, '--join', code,
    '--device', `Headset ${name}`, '--traces', join(dir, 'traces'), '--max-seconds', '240'],
  { XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache'), XDG_DATA_HOME: join(dir, 'data'),
    STOA_XRSIM_EYE_SIZE: '128x96', STOA_XRSIM_REALTIME: '1', STOA_XRSIM_REFRESH_HZ: '20', STOA_AUDIO_SILENT: '1',
    STOA_VALIDATION: '1', XR_ENABLE_API_LAYERS: 'XR_APILAYER_LUNARG_core_validation',
    STOA_XRSIM_ANCHOR_STORE: join(work, 'room-anchors'), STOA_XRSIM_SCRIPT: join(work, name + '.yaml'),
    // To look at what headset A shows (not in CI): PANEL_AR_CAPTURE=DIR.
    ...(name === 'A' && process.env.PANEL_AR_CAPTURE ? { STOA_XRSIM_CAPTURE: process.env.PANEL_AR_CAPTURE,
      STOA_XRSIM_CAPTURE_EVERY: '5', STOA_XRSIM_EYE_SIZE: '480x360' } : {}) });
}

// "stoa run: tabletop placed together at (x, y, z) facing yaw": the last one.
const together = (out) => {
  const all = [...out.matchAll(/tabletop placed together at \((\S+), (\S+), (\S+)\) facing (\S+)/g)];
  return all.length ? all[all.length - 1].slice(1, 5).map(Number) : null;
};
const stamp = (what) => console.log(`...  ${what}  [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
const firstPlaced = (out) => {
  const m = /tabletop: placed at \((\S+), (\S+), (\S+)\) m/.exec(out);
  return m ? m.slice(1, 4).map(Number) : null;
};

const browser = await launchChromium(chromium);
try {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  const state = () => page.evaluate(async () => (await fetch('/api/state')).json());
  const placement = async () => Object.fromEntries((await state()).headsets.map((h) => [h.name.slice(-1), h.placement]));
  await logIn(page, url, PASSWORD);
  await waitFor('both headsets online', async () => (await state()).headsets.filter((h) => h.connected).length === 2, 60000);
  // No live pictures: the headsets' time goes to the lesson (the views have tests of their own).
  await page.waitForSelector('#views-on');
  if (await page.isChecked('#views-on')) await page.uncheck('#views-on');
  const ids = Object.fromEntries((await state()).headsets.map((h) => [h.name.slice(-1), h.id]));
  const launched = new Set();
  for (let i = 0; i < 40 && launched.size < 2; i++, await sleep(500))
    for (const id of [ids.A, ids.B].filter((id) => !launched.has(id))) {
      const r = await page.evaluate(async ([id, lesson]) => (await fetch('/api/command', { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': panel.csrf },
        body: JSON.stringify({ cmd: 'launch', lesson, targets: [id] }) })).json(), [id, LESSON]);
      if (r.sent === 1) launched.add(id);
    }
  check(launched.size === 2, 'the tabletop lesson is launched on both headsets');
  await waitFor('both learners put the model down', async () => {
    const p = await placement();
    return p.A === 'placed' && p.B === 'placed';
  }, 150000); // the lesson loads first (slow on a loaded machine)
  const a0 = firstPlaced(heads.A.output), b0 = firstPlaced(heads.B.output);
  const apart = a0 && b0 ? Math.hypot(a0[0] - b0[0], a0[2] - b0[2]) : 0;
  check(apart > 0.05, `each learner placed the model at a spot of their own (${JSON.stringify(a0)} vs ${JSON.stringify(b0)}, ${apart.toFixed(2)} m apart)`);
  const badge = (name) => page.evaluate((id) => {
    const row = [...document.querySelectorAll('.headset')].find((r) => r.h && r.h.id === id);
    const b = row && row.querySelector('.placement');
    return b && !b.hidden ? b.textContent : null;
  }, ids[name]);
  await waitFor('the cards show the placement', async () => /Model placed/.test(await badge('A') || ''));
  check(await page.isVisible('#place-together'), 'the class view has a "Place together" button');

  await page.click('#place-together');
  if (mode === 'anchor') {
    await waitFor('both headsets placed together', async () => {
      const p = await placement();
      return p.A === 'shared' && p.B === 'shared';
    }, 60000);
    // Two that published at once settle on the one the store kept.
    await waitFor('both at one pose', () => {
      const a = together(heads.A.output), b = together(heads.B.output);
      return a && b && Math.max(...a.slice(0, 3).map((v, i) => Math.abs(v - b[i]))) < 0.01 &&
        Math.abs(a[3] - b[3]) < 1;
    }, 30000).catch(() => {});
    const a = together(heads.A.output), b = together(heads.B.output);
    check(a && b && Math.max(...a.slice(0, 3).map((v, i) => Math.abs(v - b[i]))) < 0.01 && Math.abs(a[3] - b[3]) < 1,
      `both models stand at the same physical pose (A ${JSON.stringify(a)}, B ${JSON.stringify(b)})`);
    check(/published/.test(heads.A.output + heads.B.output), 'one headset\'s placement was published as the class\'s anchor');
    check(/spatial anchor stoa\.class\.agora\.tabletop/.test(heads.A.output + heads.B.output), 'under the class-wide name stoa.class.agora.tabletop');
    await waitFor('both cards say "Placed together"', async () =>
      /Placed together/.test(await badge('A') || '') && /Placed together/.test(await badge('B') || ''), 10000);
  } else {
    await waitFor('both headsets in marker mode', () =>
      /tabletop marker mode/.test(heads.A.output) && /tabletop marker mode/.test(heads.B.output), 60000);
    check(!/stoa\.class\./.test(heads.A.output + heads.B.output), 'no shared anchor where the runtime cannot share one');
    await waitFor('both placed at the marker', () =>
      /tabletop placed at the marker/.test(heads.A.output) && /tabletop placed at the marker/.test(heads.B.output), 60000);
    await waitFor('both cards say "Model placed" again', async () => {
      const p = await placement();
      return p.A === 'placed' && p.B === 'placed' && /Model placed/.test(await badge('B') || '');
    }, 10000);
    check(true, 'each learner aimed at the marker and put the model there; the cards follow');
  }
  await page.screenshot({ path: join(outDir, `ar-${mode}.png`), fullPage: true });
  await page.selectOption('#lang', 'zh-CN');
  await waitFor('the button in Chinese', async () => (await page.textContent('#place-together')) === '一起放置', 5000);
  check(true, 'the button follows the teacher\'s language');
  await page.selectOption('#lang', 'en');
  const bad = Object.entries(heads).flatMap(([n, h]) => h.output.split('\n').filter((l) => VALIDATION.test(l)).map((l) => `${n}: ${l}`));
  check(bad.length === 0, `no validation messages (${bad.slice(0, 2).join(' | ')})`);
} catch (e) {
  problems.push(String(e && e.stack || e));
} finally {
  await browser.close();
  for (const c of children) c.kill('SIGINT');
  await Promise.all(children.map((c) => Promise.race([c.exited, sleep(4000)])));
  for (const c of children) c.kill('SIGKILL');
  for (const [n, h] of Object.entries(heads)) writeFileSync(join(outDir, `headset-${n}-${mode}.log`), h.output);
}
if (problems.length) {
  console.log('problems:\n' + problems.join('\n'));
  for (const [n, h] of Object.entries(heads)) console.log(`--- headset ${n}:\n` + h.output.slice(-2500));
  process.exit(1);
}
console.log(`all place-together checks passed (${mode})`);
