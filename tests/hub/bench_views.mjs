// SPDX-License-Identifier: Apache-2.0
// Benchmark of live views (issue 16), opt-in, not part of ctest:
//
//   node tests/hub/bench_views.mjs build/stoa OUT_DIR [HEADSETS=30] [SECONDS=20] [EYE=256x256]
//
// A hub and HEADSETS real simulated headsets (`stoa run --sim --hub`,
// xrsim's real-time clock), the panel in headless Chromium watching every
// thumbnail, then one learner's large view too. Measured: bytes a second
// into the hub (its /api/views), the latency from the frame a picture shows
// being drawn to the panel having it (X-Stoa-Drawn against the panel's
// clock: same machine), the latency of a command (panel request to the
// headset printing it) with no pictures and with pictures flowing, and each
// headset's added CPU time per frame on its frame thread (median, p99, as
// `stoa run` prints it at exit). Screenshots of the panel: OUT_DIR/bench-*.png.
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, starter, waitFor as waitForEvery } from './panel_common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(resolve(here, '../browser/package.json'));
const { chromium } = require('playwright-core');
const [stoa, outDir, nArg, secArg, eyeArg] = process.argv.slice(2);
const N = Number(nArg || 30), SECONDS = Number(secArg || 20), EYE = eyeArg || '256x256';
mkdirSync(outDir, { recursive: true });
const source = process.env.STOA_SOURCE_DIR || resolve(here, '../..');
const work = mkdtempSync(join(tmpdir(), 'stoa-bench-views-'));
const children = [];
const start = starter(children, 'ignore');
const waitFor = (what, fn, ms = 60000) => waitForEvery(what, fn, ms, 200);
const PASSWORD = 'bench views';
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))] : NaN; };

// Every headset turns its head slowly (its pictures change, as a class's do).
const turn = ['head:'];
for (let t = 0; t <= 900; t += 3) turn.push(`  - {t: ${t}, position: [0, 1.7, 0], yaw: ${(t / 3) * 30}}`);
writeFileSync(join(work, 'turn.yaml'), turn.join('\n') + '\n');

const port = await freePort();
const url = `http://127.0.0.1:${port}/`;
const lessons = join(source, 'scenes/agora/lessons');
const hub = start(stoa, ['hub', '--listen', `127.0.0.1:${port}`, '--data', join(work, 'hub'), '--lessons', lessons,
  '--no-browser', '--joins-per-minute', '200', '--max-connections-per-address', '256'], { STOA_HUB_PASSWORD: PASSWORD });
await waitFor('the join code', () => /join code (\w{6})/.test(hub.output));
const code = /join code (\w{6})/.exec(hub.output)[1];
const heads = [];
for (let i = 0; i < N; i++) {
  const dir = join(work, `h${i}`);
  mkdirSync(dir, { recursive: true });
  heads.push(start(stoa, ['run', join(lessons, 'stoa-poikile.yaml'), '--sim', '--hub', url, '--join', code,
    '--device', `Headset ${String(i + 1).padStart(2, '0')}`, '--traces', join(dir, 'traces'), '--max-seconds', '1200'],
  { XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache'), STOA_XRSIM_EYE_SIZE: EYE,
    STOA_XRSIM_REALTIME: '1', STOA_XRSIM_REFRESH_HZ: process.env.BENCH_HZ || '30', STOA_AUDIO_SILENT: '1',
    STOA_LOG: 'warn', STOA_XRSIM_SCRIPT: join(work, 'turn.yaml') }));
}
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const out = { headsets: N, eye: EYE, seconds: SECONDS, hz: Number(process.env.BENCH_HZ || 30), loadavg: { start: loadavg() } };
try {
  const page = await (await browser.newContext({ viewport: { width: 1500, height: 1100 } })).newPage();
  page.setDefaultTimeout(180000); // the sign-in (Argon2id) with 30 headsets drawing on the same cores
  await page.goto(url);
  await page.fill('#password', PASSWORD);
  await page.click('#login-form button');
  await page.waitForSelector('#app:not([hidden])');
  const state = () => page.evaluate(async () => (await fetch('/api/state')).json());
  const views = () => page.evaluate(async () => (await fetch('/api/views')).json());
  await waitFor('every headset online', async () => (await state()).headsets.filter((h) => h.connected).length === N, 300000);
  // ids[i] is heads[i]'s device (by name: the panel lists online first, then by name).
  const byName = Object.fromEntries((await state()).headsets.map((h) => [h.name, h.id]));
  const ids = heads.map((_, i) => byName[`Headset ${String(i + 1).padStart(2, '0')}`]);

  // A command to one headset: the panel's request to the headset's log line.
  let tokenNo = 0;
  const commandLatency = async (count) => {
    const ms = [];
    let missed = 0, lost = 0;
    for (let k = 0; k < count; k++) {
      const i = k % N, token = `bench-${++tokenNo}`;
      const t0 = Date.now();
      const sent = await page.evaluate(async ({ id, token }) => (await fetch('/api/command', { method: 'POST', headers: { 'Content-Type': 'application/json',
        'X-CSRF-Token': panel.csrf }, body: JSON.stringify({ cmd: 'message', text: token, targets: [id] }) })).json(), { id: ids[i], token });
      if (sent.sent !== 1) { missed++; continue; } // its reports were late: no target now (docs/hub.md, "Sent to N")
      const t = Date.now();
      while (!heads[i].output.includes(token) && Date.now() - t < 15000) await sleep(5);
      if (heads[i].output.includes(token)) ms.push(Date.now() - t0); else lost++;
      await sleep(150);
    }
    return { median: pct(ms, 0.5), p95: pct(ms, 0.95), max: Math.max(...ms), n: ms.length, not_targets: missed, lost };
  };

  // Every headset past its start (reporting in time: a command target).
  // BENCH_MIN_FPS: what counts as running (30 lavapipe headsets on 2 cores draw 2-4 frames a second).
  const minFps = Number(process.env.BENCH_MIN_FPS || 5);
  // On a machine too small for N, the run goes on after BENCH_WAIT_S with
  // those that report (the figures say how many).
  const waitS = Number(process.env.BENCH_WAIT_S || 300);
  const reporting = async () => (await state()).headsets.filter((h) => h.connected && h.fps > minFps).length;
  await waitFor('every headset reporting', async () => (await reporting()) === N, waitS * 1000).catch(() => {});
  out.reporting_at_start = await reporting();
  out.fps_at_start = (await state()).headsets.map((h) => h.fps);
  // 1. No pictures: views off.
  await page.uncheck('#views-on');
  await sleep(5000);
  out.command_ms_without_pictures = await commandLatency(20);

  // 2. Every thumbnail watched by the panel.
  await page.check('#views-on');
  await waitFor('thumbnails on every card', async () => (await page.$$('canvas.thumb.has-picture')).length >= N, waitS * 1000).catch(() => {});
  out.thumbnails_shown = (await page.$$('canvas.thumb.has-picture')).length;
  await sleep(3000);
  // Each picture once (a canvas's seq): its latency at the panel, and by
  // stage when the hub and headsets send the stages' times (X-Stoa-Stages:
  // drawn (the frame began), its commands recorded, picked up from the GPU,
  // encoded, at the hub, at the panel).
  const sampleLatency = async (sel, secs) => {
    const seen = new Map();
    for (const end = Date.now() + secs * 1000; Date.now() < end; await sleep(100)) {
      const got = await page.evaluate((sel) => [...document.querySelectorAll(sel)].map((c, i) =>
        [`${i}:${c.dataset.seq}`, Number(c.dataset.latency), c.dataset.stages || '']), sel);
      for (const [k, ms, st] of got) if (ms > 0 && !seen.has(k)) seen.set(k, { ms, st: st.split(',').map(Number) });
    }
    const all = [...seen.values()];
    const ms = all.map((v) => v.ms);
    const staged = all.filter((v) => v.st.length === 6 && v.st.every((x) => x > 0));
    const names = ['frame_to_record', 'gpu_and_pickup', 'queue_and_encode', 'send_to_hub', 'hub_to_panel'];
    ms.stages = staged.length ? Object.fromEntries(names.map((n, i) => {
      const d = staged.map((v) => v.st[i + 1] - v.st[i]);
      return [n, { median: pct(d, 0.5), p95: pct(d, 0.95) }];
    })) : null;
    ms.pictures = all.length;
    return ms;
  };
  const before = await views();
  const tb = Date.now();
  const thumbLat = await sampleLatency('canvas.thumb.has-picture', SECONDS / 2);
  out.command_ms_with_thumbnails = await commandLatency(20);
  const after = await views();
  // Out to the panel: pushed on its WebSocket (a build without it: 0, it fetches).
  const pushedRate = (a, b, t) => a.pushed_total === undefined ? null : Math.round((b.pushed_total - a.pushed_total) / ((Date.now() - t) / 1000));
  out.thumbnails = { bytes_per_s: Math.round((after.bytes_total - before.bytes_total) / ((Date.now() - tb) / 1000)),
    pushed_bytes_per_s: pushedRate(before, after, tb),
    hub_rate_bytes_per_s: after.bytes_per_s, rates: after.headsets.slice(0, 3),
    latency_ms_at_draw: { median: pct(thumbLat, 0.5), p95: pct(thumbLat, 0.95), pictures: thumbLat.pictures, stages: thumbLat.stages } };
  await page.screenshot({ path: join(outDir, 'bench-thumbnails.png'), fullPage: true });

  // 3. One large view on top.
  await page.locator('canvas.thumb').first().click();
  await waitFor('the large view', () => page.evaluate(() => { const c = document.querySelector('#large-view canvas'); return c && c.width === 720; }), 30000);
  await sleep(2000);
  const before2 = await views();
  const tl = Date.now();
  const largeLat = await sampleLatency('#large-view canvas', SECONDS / 2);
  out.command_ms_with_large_view = await commandLatency(10);
  const after2 = await views();
  const seq = await page.evaluate(() => Number(document.querySelector('#large-view canvas').dataset.seq));
  out.large = { bytes_per_s: Math.round((after2.bytes_total - before2.bytes_total) / ((Date.now() - tl) / 1000)),
    pushed_bytes_per_s: pushedRate(before2, after2, tl),
    latency_ms_at_draw: { median: pct(largeLat, 0.5), p95: pct(largeLat, 0.95), pictures: largeLat.pictures, stages: largeLat.stages }, last_seq: seq,
    rate: after2.headsets.find((h) => h.large) };
  await page.screenshot({ path: join(outDir, 'bench-large.png') });
  out.loadavg.end = loadavg();
  out.stoa = stoa;
} finally {
  await browser.close();
  for (const c of children) c.kill('SIGINT');
  await Promise.all(children.map((c) => Promise.race([c.exited, sleep(20000)])));
}
// Each headset's own account of the added CPU time on its frame thread.
const cpu = heads.map((h) => /median ([\d.]+) us, p99 ([\d.]+) us over (\d+) frames/.exec(h.output)).filter(Boolean);
out.headset_added_cpu_us = { reported_by: cpu.length, median_of_medians: pct(cpu.map((m) => Number(m[1])), 0.5),
  median_of_p99: pct(cpu.map((m) => Number(m[2])), 0.5), worst_p99: Math.max(...cpu.map((m) => Number(m[2]))) };
const frames = heads.map((h) => /frame CPU time over \d+ frames: median ([\d.]+) ms, p99 ([\d.]+) ms/.exec(h.output)).filter(Boolean);
out.headset_frame_cpu_ms = { median_of_medians: pct(frames.map((m) => Number(m[1])), 0.5), median_of_p99: pct(frames.map((m) => Number(m[2])), 0.5) };
console.log(JSON.stringify(out, null, 2));
// One line a figure, for bench_views_pair.sh and the docs' table.
const lat = (l) => l ? `${l.median} / ${l.p95} ms over ${l.pictures} pictures` + (l.stages ? '; by stage (median/p95): ' +
  Object.entries(l.stages).map(([k, v]) => `${k} ${v.median}/${v.p95}`).join(', ') : '') : 'none';
const cmd = (c) => `${c.median} / ${c.p95} ms (n ${c.n}, no target ${c.not_targets}, lost ${c.lost})`;
const la = (a) => a ? a.map((v) => v.toFixed(1)).join(' ') : '?';
for (const line of [
  `load average ${la(out.loadavg.start)} -> ${la(out.loadavg.end)}; ${out.reporting_at_start} of ${N} reporting, ${out.thumbnails_shown} thumbnails shown`,
  `thumbnails: ${out.thumbnails ? out.thumbnails.bytes_per_s : '?'} B/s in (pushed out ${out.thumbnails ? out.thumbnails.pushed_bytes_per_s : '?'}); drawn -> panel ${lat(out.thumbnails && out.thumbnails.latency_ms_at_draw)}`,
  `large view: ${out.large ? out.large.bytes_per_s : '?'} B/s in (pushed out ${out.large ? out.large.pushed_bytes_per_s : '?'}); drawn -> panel ${lat(out.large && out.large.latency_ms_at_draw)}`,
  `headset added CPU per frame (frame thread): median of medians ${out.headset_added_cpu_us.median_of_medians} us, median p99 ${out.headset_added_cpu_us.median_of_p99} us, worst p99 ${out.headset_added_cpu_us.worst_p99} us`,
  `commands: no pictures ${cmd(out.command_ms_without_pictures || {})}; thumbnails ${cmd(out.command_ms_with_thumbnails || {})}; + large ${cmd(out.command_ms_with_large_view || {})}`,
]) console.log('summary ' + line);
writeFileSync(join(outDir, 'bench-views.json'), JSON.stringify(out, null, 2));
