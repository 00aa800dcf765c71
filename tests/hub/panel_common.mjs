// SPDX-License-Identifier: Apache-2.0
// What the panel's browser tests share: child processes whose output is
// kept, a free loopback port, and polling with a deadline.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

export const freePort = () => new Promise((ok) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
});

// A starter that records every child in `children` (for the cleanup);
// stdin: 'pipe' for children the test writes to, else 'ignore'.
export function starter(children, stdin = 'ignore') {
  return (bin, args, env) => {
    const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: [stdin, 'pipe', 'pipe'] });
    child.output = '';
    child.exited = new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
    child.stdout.on('data', (d) => { child.output += d; });
    child.stderr.on('data', (d) => { child.output += d; });
    children.push(child);
    return child;
  };
}

// Polls fn every stepMs until it is true; throws after ms.
export async function waitFor(what, fn, ms, stepMs) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(stepMs)) if (await fn()) return;
  throw new Error(`timed out waiting for ${what}`);
}

// playwright-core from tests/browser (npm ci there), or exit 77 (ctest's
// skip) saying so.
export function chromiumOrSkip() {
  const require = createRequire(new URL('../browser/package.json', import.meta.url));
  try {
    return require('playwright-core').chromium;
  } catch (e) {
    console.log('SKIP: playwright-core is not installed (npm ci in tests/browser)');
    process.exit(77);
  }
}

// Debian's Chromium, headless, never a downloaded browser.
export const launchChromium = (chromium) => chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });

// Opens the panel at url and signs the instructor in.
export async function logIn(page, url, password) {
  await page.goto(url);
  await page.fill('#password', password);
  await page.click('#login-form button');
  await page.waitForSelector('#app:not([hidden])');
}
