// SPDX-License-Identifier: Apache-2.0
// Issue 11's proof through the panel: a class period in headless Chromium
// (Debian's /usr/bin/chromium, playwright-core) with 30 protocol-level
// headsets (period_fleet.py, no renderers). The teacher creates a class,
// imports 30 named learners from a CSV, signs each in on a headset from its
// card, starts lesson A on all, pauses, sends a message, resumes, starts
// lesson B on half of them mid-lesson and ends A on the rest; three
// headsets are switched off mid-lesson and on again; two learners swap
// headsets; the teacher downloads the gradebook as CSV and XLSX. Then every
// statement a headset wrote is stored exactly once under its run and
// learner, no run is empty, every run's report opens and names its
// learners, and the CSV and XLSX read back with the right rows.
// Screenshots (devices, class, history, gradebook, Chinese) go to OUT_DIR.
//
//   node panel_period.mjs HUB_DRIVER OUT_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, starter, waitFor as waitForEvery, chromiumOrSkip, launchChromium, logIn } from './panel_common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const chromium = chromiumOrSkip();

const [hubBin, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const source = process.env.STOA_SOURCE_DIR || resolve(here, '../..');
const work = mkdtempSync(join(tmpdir(), 'stoa-period-'));
const PASSWORD = 'period panel password';
const N = 30;
const NAMES = Array.from({ length: N }, (_, i) => (i % 3 === 0 ? `学生${String(i).padStart(2, '0')} 王` : `Learner ${String(i).padStart(2, '0')}`));
const HEADSETS = Array.from({ length: N }, (_, i) => `Headset ${String(i + 1).padStart(2, '0')}`);
const problems = [];
const children = [];
const start = starter(children, 'pipe');
const waitFor = (what, fn, ms = 20000) => waitForEvery(what, fn, ms, 50);

const port = await freePort();
const url = `http://127.0.0.1:${port}/`;
const hubData = join(work, 'hub');
const hub = start(hubBin, ['--listen', `127.0.0.1:${port}`, '--data', hubData, '--lessons',
  join(source, 'scenes/agora/lessons'), '--joins-per-minute', '100', '--max-connections-per-address', '128', '--no-browser'], { STOA_HUB_PASSWORD: PASSWORD });
await waitFor('the join code', () => /join code (\w{6})/.test(hub.output));
const code = /join code (\w{6})/.exec(hub.output)[1];

const browser = await launchChromium(chromium);
let failed = false;
let fleet;
const figures = [];
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 }, locale: 'en-US', acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('request', (r) => { if (!r.url().startsWith(url)) problems.push(`request outside the hub: ${r.url()}`); });
  page.on('dialog', (d) => d.accept(d.type() === 'prompt' ? '7B 物理' : undefined));
  const shot = (name) => page.screenshot({ path: join(outDir, name), fullPage: true });
  const state = () => page.evaluate(async () => (await fetch('/api/state')).json());
  const card = (name) => page.locator('.headset', { has: page.locator('.label', { hasText: name }) });

  await logIn(page, url, PASSWORD);

  // The class, from a spreadsheet's CSV (BOM, quotes, Chinese, numbers).
  await page.click('#class-new');
  await page.waitForSelector('#class-tools:not([hidden])');
  const csv = '\ufeff姓名,学号\r\n' + NAMES.map((n, i) => `"${n}",${100 + i}\r\n`).join('');
  await page.setInputFiles('#csv-file', { name: 'class.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await waitFor('30 learners listed', async () => (await page.$$('#learners tbody tr')).length === N);
  const learners = (await page.evaluate(async () => (await fetch('/api/classes')).json())).learners;
  const idOf = (i) => learners.find((l) => l.number === String(100 + i)).learner_id;

  // A lesson of eight parts of 0.75 s: long enough to pause and switch it mid-lesson.
  fleet = start('python3', [join(here, 'period_fleet.py'), url, code, String(N), join(work, 'fleet')], { STOA_FLEET_STEP: '0.75' });
  await waitFor('30 headsets online', async () => (await page.$$('.headset .dot.on')).length === N);
  for (let i = 0; i < N; i++) await card(HEADSETS[i]).locator('select.assign').selectOption(idOf(i));
  await waitFor('30 learners signed in', async () => (await state()).headsets.filter((h) => h.learner_id).length === N);
  await shot('period-01-devices-signed-in.png');

  const launch = async (label, button, lesson, names) => {
    const before = new Map((await state()).headsets.map((h) => [h.id, h.registration]));
    await page.selectOption('#lesson', lesson);
    const t0 = Date.now();
    await page.click(button);
    const ids = new Set((await state()).headsets.filter((h) => names.includes(h.name)).map((h) => h.id));
    const seen = new Set();
    await waitFor(`${label}: every headset in the lesson`, async () => {
      for (const h of (await state()).headsets)
        if (ids.has(h.id) && h.phase === 'lesson' && h.registration && h.registration !== before.get(h.id)) seen.add(h.id);
      return seen.size === ids.size;
    });
    figures.push(`${label}: ${ids.size} headsets in the lesson ${Date.now() - t0} ms after the click`);
    await waitFor('the toast', async () => (await page.textContent('#toast')).includes(String(ids.size)));
  };
  const select = async (names, on) => {
    for (const n of names) await card(n).locator('input[type=checkbox]').setChecked(on);
  };

  await launch('lesson A on all', '#launch-all', 'stoa-poikile.yaml', HEADSETS);
  await page.click('#pause');
  await waitFor('30 paused', async () => (await page.$$('.alert.paused')).length === N);
  await shot('period-02-lesson-a-paused.png');
  await page.fill('#message', 'Look at the columns / 看这些柱子');
  await page.click('#send-message');
  await page.click('#resume');
  const half = HEADSETS.slice(0, N / 2), rest = HEADSETS.slice(N / 2);
  await select(half, true);
  await launch('lesson B on half, mid-lesson', '#launch-selected', 'zeno-zh.yaml', half);
  await select(half, false);
  await select(rest, true);
  await page.click('#end');
  await select(rest, false);
  for (const i of [0, 1, 2]) fleet.stdin.write(`kill ${i}\n`);
  await waitFor('three offline', async () => (await page.$$('.headset .dot.off')).length === 3);
  await shot('period-03-three-off.png');
  for (const i of [0, 1, 2]) fleet.stdin.write(`start ${i}\n`);
  await waitFor('all back online', async () => (await page.$$('.headset .dot.on')).length === N);
  await waitFor('everyone in the lobby', async () => (await state()).headsets.every((h) => h.phase === 'lobby'), 30000);
  // A headset fetching a launch's files shows the transfer on its card.
  fleet.stdin.write('transfer 5 1200 3000\n');
  await waitFor('the transfer on the card', async () => /\b40%/.test(await card(HEADSETS[5]).locator('.state').textContent()));
  fleet.stdin.write('transfer 5 0 0\n');
  await waitFor('back in the lobby', async () => (await state()).headsets.every((h) => h.phase === 'lobby'));
  // Learners 0 and 1 swap headsets.
  await card(HEADSETS[1]).locator('select.assign').selectOption(idOf(0));
  await card(HEADSETS[0]).locator('select.assign').selectOption(idOf(1));
  await waitFor('the swap', async () => {
    const hs = (await state()).headsets;
    return hs.find((h) => h.name === HEADSETS[0]).learner_id === idOf(1) && hs.find((h) => h.name === HEADSETS[1]).learner_id === idOf(0);
  });
  await select(HEADSETS.slice(0, 2), true);
  // A lesson of 39 short parts (s1..s40 but the question's): its report
  // needs 39 legend colours (the report has 40).
  fleet.stdin.write('parts 41 0.04\n');
  await launch('lesson A, swapped', '#launch-selected', 'stoa-poikile.yaml', HEADSETS.slice(0, 2));
  await select(HEADSETS.slice(0, 2), false);
  await waitFor('everyone in the lobby again', async () => (await state()).headsets.every((h) => h.phase === 'lobby'), 30000);
  await sleep(1500); // the last acknowledgements
  await page.locator('#class-h').scrollIntoViewIfNeeded();
  await shot('period-04-class-and-history.png');

  // Every run's report opens and names its learners.
  await waitFor('three runs listed', async () => (await page.$$('#runs li')).length === 3);
  const listed = (await state()).runs;
  const runs = await page.$$eval('#runs li', (lis) => lis.map((li) => ({ href: li.querySelector('a').getAttribute('href') })));
  for (const r of runs) {
    r.meta = (listed.find((x) => r.href.includes(x.run)) || { names: [] }).names.join(', ');
    const res = await context.request.get(new URL(r.href, url).href);
    const html = await res.text();
    if (res.status() !== 200) problems.push(`report ${r.href}: HTTP ${res.status()}`);
    const named = NAMES.filter((n) => r.meta.includes(n));
    if (named.length === 0) problems.push(`run without names in the history: ${r.meta}`);
    for (const n of named) if (!html.includes(n)) problems.push(`report ${r.href} does not name ${n}`);
  }
  // The swapped run's 39 parts each have a colour of their own in the
  // legend (before: ten colours, used again from the eleventh part on).
  const swapped = runs.find((r) => r.meta.split(', ').length === 2);
  const legend = await context.newPage();
  await legend.goto(new URL(swapped.href, url).href);
  const colours = await legend.$$eval('.legend i', (is) => is.map((i) => getComputedStyle(i).backgroundColor + getComputedStyle(i).backgroundImage));
  const parts = colours.length - 2; // idle and paused close the legend
  if (parts < 39 || new Set(colours).size !== colours.length) problems.push(`the legend has ${parts} parts in ${new Set(colours).size - 2} colours`);
  figures.push(`legend: ${parts} parts, ${new Set(colours).size - 2} colours`);
  await legend.close();
  const report = await context.newPage();
  await report.goto(new URL(runs[0].href, url).href);
  await report.screenshot({ path: join(outDir, 'period-05-report.png'), fullPage: false });
  await report.close();

  // The gradebook, as the teacher downloads it.
  const download = async (button, file) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const path = join(work, file);
    await d.saveAs(path);
    return path;
  };
  const csvPath = await download('#class-gradebook-csv', 'gradebook.csv');
  const xlsxPath = await download('#class-gradebook-xlsx', 'gradebook.xlsx');
  const text = readFileSync(csvPath, 'utf8');
  const rows = text.replace(/^\ufeff/, '').split('\r\n').filter((l) => l);
  if (!text.startsWith('\ufeff')) problems.push('the CSV has no BOM');
  const expectRows = N + N / 2 + 2;
  if (rows.length - 1 !== expectRows) problems.push(`CSV: ${rows.length - 1} rows, expected ${expectRows}`);
  for (const n of NAMES) if (!text.includes(`"${n}"`)) problems.push(`CSV: no row for ${n}`);
  const xlsxRows = JSON.parse(execFileSync('python3', ['-c', `
import json, sys, zipfile, xml.etree.ElementTree as E
ns = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps([[''.join(t.text or '' for t in c.iter(ns + 't')) or (c.findtext(ns + 'v') or '') for c in r]
                  for r in E.fromstring(z.read('xl/worksheets/sheet1.xml')).iter(ns + 'row')]))`, xlsxPath]).toString());
  if (xlsxRows.length - 1 !== expectRows) problems.push(`XLSX: ${xlsxRows.length - 1} rows, expected ${expectRows}`);
  for (const n of NAMES) if (!xlsxRows.some((r) => r[0] === n)) problems.push(`XLSX: no row for ${n}`);
  figures.push(`gradebook: ${rows.length - 1} rows in the CSV, ${xlsxRows.length - 1} in the XLSX`);

  await page.selectOption('#lang', 'zh-CN');
  await waitFor('Chinese', async () => (await page.textContent('#launch-all')) === '在所有头显上开始');
  await shot('period-06-chinese.png');
  const library = await page.textContent('#library');
  if (!library.includes('彩绘柱廊')) problems.push(`the library is not in Chinese: ${library.slice(0, 200)}`);
} catch (e) {
  failed = true;
  console.error(e);
  try { await browser.contexts()[0]?.pages()[0]?.screenshot({ path: join(outDir, 'period-failure.png'), fullPage: true }); } catch (e2) { /* best effort */ }
} finally {
  await browser.close();
  if (fleet) fleet.stdin.write('quit\n');
  await sleep(300);
  for (const c of children) c.kill('SIGTERM');
  await Promise.race([Promise.all(children.map((c) => c.exited)), sleep(10000)]);
}
if (!failed) {
  const folders = Array.from({ length: N }, (_, i) => join(work, 'fleet', `h${String(i).padStart(2, '0')}`));
  const sum = JSON.parse(execFileSync('python3', [join(here, 'period_fleet.py'), '--check', join(hubData, 'hub.sqlite'),
    ...folders]).toString());
  if (sum.wrong.length) problems.push(`statements not stored once under their run and learner: ${sum.wrong}`);
  if (sum.written !== sum.stored) problems.push(`${sum.written} statements written, ${sum.stored} stored`);
  if (sum.empty_runs) problems.push(`${sum.empty_runs} runs without a record`);
  for (const [run, [w, s]] of Object.entries(sum.per_run)) figures.push(`run ${run.slice(0, 8)}: ${w} written, ${s} stored once`);
}
for (const f of figures) console.log(f);
for (const p of problems) console.error('problem:', p);
if (failed || problems.length) {
  console.error('hub output:\n' + hub.output.slice(-3000) + '\nfleet:\n' + (fleet ? fleet.output.slice(-2000) : ''));
  process.exit(1);
}
console.log(`period ok: screenshots in ${outDir}`);
