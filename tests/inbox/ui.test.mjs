// The inbox's web UI in headless Chromium (playwright-core): the issue list shows the issues
// with their counts, the issue page shows frames and breadcrumbs, a hostile message renders as
// text, and a new event appears without a reload (SSE). Screenshots go to tmp/inbox-ui/.
//
// Needs the debug binary (scripts/test.sh builds it: cargo build -p errorbeacon-inbox).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TARGET = process.env.CARGO_TARGET_DIR || join(ROOT, 'target');
const BIN = join(TARGET, 'debug', 'errorbeacon-inbox');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(ROOT, 'tmp', 'inbox-ui');
const XSS = '<img src=x onerror=alert(1)>';

let server;
let base;
let dsn;
let dir;

function startServer() {
  assert.ok(existsSync(BIN), `${BIN} is missing: build it with cargo build -p errorbeacon-inbox`);
  dir = mkdtempSync(join(tmpdir(), 'eb-inbox-ui-'));
  const child = spawn(BIN, ['--addr', '127.0.0.1:0', '--db', join(dir, 'inbox.sqlite3')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('DSN: ')) resolve({ child, dsn: line.slice(5) });
    });
    child.on('exit', (code) => reject(new Error(`errorbeacon-inbox exited with ${code} before printing its DSN`)));
  });
}

async function send(event) {
  const key = new URL(dsn).username;
  const body = `{"event_id":"${event.event_id}"}\n{"type":"event"}\n${JSON.stringify(event)}\n`;
  const res = await fetch(`${base}/api/1/envelope/`, { method: 'POST', body, headers: { 'x-sentry-auth': `Sentry sentry_key=${key}, sentry_version=7` } });
  assert.equal(res.status, 200, await res.text());
}

let n = 0;
const id = () => (++n).toString(16).padStart(32, '0');

function jsError(user) {
  return {
    event_id: id(),
    platform: 'javascript',
    level: 'error',
    release: 'shop@1.2.0',
    environment: 'production',
    user,
    tags: { page: 'checkout' },
    contexts: { browser: { name: 'Chrome', version: '156' } },
    breadcrumbs: { values: [
      { timestamp: 1795435200, category: 'ui.click', message: 'button#pay' },
      { timestamp: 1795435201, category: 'fetch', message: 'POST /api/cart', data: { status_code: 500 } },
    ] },
    exception: { values: [{
      type: 'TypeError',
      value: "Cannot read properties of undefined (reading 'city')",
      mechanism: { type: 'onerror', handled: false },
      stacktrace: { frames: [
        { function: 'dispatch', filename: 'node_modules/react-dom.js', abs_path: 'http://h/node_modules/react-dom.js', lineno: 10, colno: 2, in_app: false },
        { function: 'checkout', filename: 'src/cart.js', abs_path: 'http://h/src/cart.js', lineno: 40, colno: 7, in_app: true },
        { function: 'shop::cart::total', abs_path: 'http://h/shop_bg.wasm', instruction_addr: '0x1a2b', addr_mode: 'rel:0', platform: 'native', in_app: true },
      ] },
    }] },
  };
}

before(async () => {
  ({ child: server, dsn } = await startServer());
  base = `http://${new URL(dsn).host}`;
  await send(jsError({ id: 'u1' }));
  await send(jsError({ id: 'u2' }));
  await send(jsError({ id: 'u1' }));
  await send({ event_id: id(), message: XSS, level: 'warning' });
  mkdirSync(SHOTS, { recursive: true });
});

after(() => {
  server?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function withPage(fn) {
  const profile = mkdtempSync(join(tmpdir(), 'eb-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = ctx.pages()[0] || (await ctx.newPage());
    const problems = [];
    page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    await fn(page);
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

test('the issue list shows issues with counts, and a hostile message as text', async () => {
  await withPage(async (page) => {
    const res = await page.goto(`${base}/`);
    assert.match(res.headers()['content-security-policy'], /default-src 'none'; script-src 'self'/);
    const rows = page.locator('tr.issue');
    assert.equal(await rows.count(), 2);
    const err = rows.filter({ hasText: 'TypeError' });
    assert.equal((await err.locator('.events').textContent()).trim(), '3');
    assert.equal((await err.locator('.users').textContent()).trim(), '2');
    assert.equal(await err.locator('svg.spark rect').count(), 24);
    // The message is text in the page, not an element.
    const xss = rows.filter({ hasText: 'onerror' });
    assert.equal((await xss.locator('a.title').textContent()).trim(), XSS);
    assert.equal(await page.locator('main img').count(), 0);
    // Search and filter.
    await page.goto(`${base}/?query=cannot+read&status=all`);
    assert.equal(await page.locator('tr.issue').count(), 1);
    await page.goto(`${base}/?release=shop%401.2.0`);
    assert.equal(await page.locator('tr.issue').count(), 1);
    await page.goto(`${base}/`);
    await page.screenshot({ path: join(SHOTS, 'issue-list.png'), fullPage: true });
  });
});

test('the issue page shows the exception, frames and breadcrumbs', async () => {
  await withPage(async (page) => {
    await page.goto(`${base}/`);
    await page.locator('tr.issue', { hasText: 'TypeError' }).locator('a.title').click();
    await page.waitForSelector('.exceptions');
    assert.match(await page.locator('h1').textContent(), /TypeError: Cannot read properties of undefined/);
    const frames = page.locator('.frame');
    assert.equal(await frames.count(), 3);
    assert.equal(await page.locator('.frame.in-app').count(), 2);
    // Newest frame first: the wasm frame, with its module and address.
    const wasm = frames.first();
    assert.match(await wasm.getAttribute('class'), /wasm/);
    assert.equal((await wasm.locator('.addr').textContent()).trim(), '0x1a2b');
    assert.equal((await wasm.locator('.module').textContent()).trim(), 'http://h/shop_bg.wasm');
    assert.equal(await page.locator('.breadcrumbs tr.crumb').count(), 2);
    assert.match(await page.locator('section.tags').textContent(), /checkout/);
    assert.match(await page.locator('section.user').textContent(), /u1/);
    assert.match(await page.locator('section.contexts').textContent(), /Chrome/);
    // Previous/next between the three events.
    await page.locator('a.older').click();
    await page.waitForSelector('a.newer');
    await page.screenshot({ path: join(SHOTS, 'issue-page.png'), fullPage: true });
  });
});

test('a new event appears on the open list without a reload (SSE)', async () => {
  await withPage(async (page) => {
    // A write before the server has subscribed this page's stream is not pushed to it: wait
    // for the stream to be open (its headers come after the subscription), not for a time.
    await page.addInitScript(() => {
      const Source = window.EventSource;
      window.EventSource = class extends Source {
        constructor(...args) {
          super(...args);
          window.streamOpen = new Promise((resolve) => this.addEventListener('open', resolve, { once: true }));
        }
      };
    });
    await page.goto(`${base}/`);
    await page.waitForFunction(() => window.streamOpen !== undefined);
    await page.evaluate(() => window.streamOpen.then(() => true));
    await send({ event_id: id(), message: 'live update arrived', level: 'info' });
    await page.locator('tr.issue', { hasText: 'live update arrived' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('tr.issue').count(), 3);
  });
});
