// SPDX-License-Identifier: Apache-2.0
// The evaluation pages written by test_eval_class, in headless Chromium
// (Debian's, through playwright-core from tests/browser): no console errors
// or outside requests, the maps and charts are there, screenshots saved.
//
//   node eval_browser.mjs REPORT_DIR OUT_DIR
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(resolve(here, '../browser/package.json'));
const { chromium } = require('playwright-core');

const [dir, out] = process.argv.slice(2);
if (!dir || !out || !existsSync(resolve(dir, 'class.html'))) {
  console.error(`usage: node eval_browser.mjs REPORT_DIR OUT_DIR (no class.html in ${dir})`);
  process.exit(2);
}
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
async function open(file) {
  const page = await browser.newPage({ viewport: { width: 1150, height: 1000 } });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${file}: console ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${file}: page error ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`${file}: outside request ${r.url()}`); });
  await page.goto(pathToFileURL(resolve(dir, file)).href, { waitUntil: 'load' });
  return page;
}
try {
  const cls = await open('class.html');
  const c = await cls.evaluate(() => ({
    nodes: document.querySelectorAll('svg.map g.node').length,
    arrows: document.querySelectorAll('svg.map path.req').length,
    heat: document.querySelectorAll('svg.heat rect').length,
    lines: document.querySelectorAll('svg.weekly polyline').length,
    items: document.querySelectorAll('table.items tr').length,
    links: document.querySelectorAll('table.learners a').length,
    overflowing: [...document.querySelectorAll('td, th, .card')].filter((e) => e.scrollWidth > e.clientWidth + 1).length,
  }));
  if (c.nodes !== 6) problems.push(`class map: ${c.nodes} concepts, want 6`);
  if (c.arrows !== 6) problems.push(`class map: ${c.arrows} prerequisite arrows, want 6`);
  if (c.heat !== 30 * 6) problems.push(`heatmap: ${c.heat} cells, want 180`);
  if (c.lines !== 6) problems.push(`weekly trends: ${c.lines} lines, want 6`);
  if (c.items < 50) problems.push(`item analysis: ${c.items} rows`);
  if (c.links !== 30) problems.push(`${c.links} learner links, want 30`);
  if (c.overflowing) problems.push(`class page: ${c.overflowing} cells overflow`);
  await cls.screenshot({ path: resolve(out, 'class.png'), fullPage: true });

  await cls.click('table.learners a >> nth=0'); // Li Wei: weak in the agora and the paintings
  await cls.waitForLoadState('load');
  const l = await cls.evaluate(() => ({
    title: document.querySelector('h1')?.textContent ?? '',
    weakest: [...document.querySelectorAll('svg.map g.weakest')].map((g) => g.dataset.concept).sort(),
    recs: [...document.querySelectorAll('li.rec')].map((li) => li.textContent),
    dims: document.querySelectorAll('svg.dims rect.mine').length,
    medians: document.querySelectorAll('svg.dims rect.median').length,
  }));
  if (l.title !== 'Li Wei') problems.push(`learner page title "${l.title}"`);
  if (l.weakest.join() !== 'agora,paintings') problems.push(`weakest marked: ${l.weakest}`);
  if (!l.recs.length || !l.recs[0].includes('has not mastered')) problems.push(`recommendations: ${l.recs}`);
  if (l.dims !== 5 || l.medians !== 5) problems.push(`dimensions: ${l.dims} bars, ${l.medians} medians`);
  await cls.screenshot({ path: resolve(out, 'learner.png'), fullPage: true });
} finally {
  await browser.close();
}
for (const p of problems) console.error('FAIL ' + p);
console.log(problems.length ? `${problems.length} problems` : 'ok: class and learner pages render');
process.exit(problems.length ? 1 : 0);
