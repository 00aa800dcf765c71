// SPDX-License-Identifier: Apache-2.0
// Opens the report written by test_trace_report in headless Chromium
// (Debian's /usr/bin/chromium), fails on any console error, page error or
// failed request, checks that the charts are there, and saves a screenshot.
//
//   node report_browser.mjs REPORT.html SCREENSHOT.png
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(resolve(here, '../browser/package.json'));
const { chromium } = require('playwright-core');

const [html, shot] = process.argv.slice(2);
if (!html || !shot || !existsSync(html)) {
  console.error(`usage: node report_browser.mjs REPORT.html SCREENSHOT.png (missing ${html})`);
  process.exit(2);
}

const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`external request: ${r.url()}`); });
  await page.goto(pathToFileURL(resolve(html)).href, { waitUntil: 'load' });

  const facts = await page.evaluate(() => ({
    title: document.querySelector('h1')?.textContent ?? '',
    charts: document.querySelectorAll('svg.chart').length,
    timelines: document.querySelectorAll('svg.timeline').length,
    learners: document.querySelectorAll('.learner').length,
    heatCells: document.querySelectorAll('svg[aria-label="concept mastery per learner"] rect').length,
    // Text that overflows its box shows a layout mistake.
    overflowing: [...document.querySelectorAll('td, th, .card')].filter((e) => e.scrollWidth > e.clientWidth + 1).length,
    cjkWidth: (() => { const r = document.createRange(); const h = document.querySelector('h1'); r.selectNodeContents(h); return r.getBoundingClientRect().width; })(),
  }));
  if (facts.title !== '雅典的广场') problems.push(`title is "${facts.title}"`);
  if (facts.timelines !== 4) problems.push(`${facts.timelines} timelines, want 4 (one per run)`);
  if (facts.learners !== 3) problems.push(`${facts.learners} learner sections, want 3`);
  if (facts.heatCells !== 8) problems.push(`${facts.heatCells} heat cells, want 8 (3 learners + class, 2 concepts)`);
  if (facts.charts < 7) problems.push(`${facts.charts} charts`);
  if (facts.overflowing > 0) problems.push(`${facts.overflowing} table cells overflow`);
  if (facts.cjkWidth < 60) problems.push(`the Chinese title renders ${facts.cjkWidth}px wide: no CJK font?`);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`report_browser: ${JSON.stringify(facts)}; screenshot ${shot}`);
} finally {
  await browser.close();
}
if (problems.length) {
  for (const p of problems) console.error(`report_browser: ${p}`);
  process.exit(1);
}
