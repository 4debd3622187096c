// The README's main job end to end: tools/demo.mjs starts the inbox (the debug binary the test
// command built) and serves the demo page; headless Chromium and WebKitGTK click every button of the demo,
// and every kind of error shows up as its own issue in the inbox's JSON API. This is
// errorbeacon, from a real browser, as a client of the inbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { withWebKit } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INBOX = join(ROOT, 'target/debug/errorbeacon-inbox');

/** A browser as the demo test drives it: open a URL, run a function body in the page, click. */
async function withChromium(use) {
  const profile = mkdtempSync(join(tmpdir(), 'eb-demo-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = ctx.pages()[0] || (await ctx.newPage());
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    return await use({
      go: (url) => page.goto(url),
      exec: (script) => page.evaluate(new Function(script)),
      click: (css) => page.click(css),
      screenshot: (path) => page.screenshot({ path, fullPage: true }),
      pageErrors,
    });
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

for (const [engine, withBrowser] of [['Chromium', withChromium], ['WebKit', withWebKit]]) {
  test(`${engine}: every button of the demo becomes an issue in the inbox`, { timeout: 180_000 }, async () => {
    assert.ok(existsSync(INBOX), `${INBOX} is missing: cargo build -p errorbeacon-inbox`);
    assert.ok(existsSync(join(ROOT, 'tests/browser/pages/panic-app/panic_app.js')), 'run scripts/build-example.sh');
    cpSync(join(ROOT, 'tests/browser/pages/panic-app'), join(ROOT, 'www/demo/panic-app'), { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'eb-demo-'));
    const servers = spawn(process.execPath, ['tools/demo.mjs', '--inbox', INBOX, '--inbox-port', '0', '--port', '0', '--db', join(dir, 'inbox.sqlite')],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const urls = await new Promise((ok, fail) => {
        let out = '';
        const t = setTimeout(() => fail(new Error(`no URLs from tools/demo.mjs: ${out}`)), 30_000);
        servers.stdout.on('data', (c) => {
          out += c;
          const inbox = out.match(/^Inbox: (\S+)/m)?.[1];
          const demo = out.match(/^Demo: +(\S+)/m)?.[1];
          if (inbox && demo) {
            clearTimeout(t);
            ok({ inbox, demo });
          }
        });
      });
      const dsn = new URL(urls.demo).searchParams.get('dsn');
      const project = new URL(dsn).pathname.replace(/\//g, '');
      await withBrowser(async (b) => {
        await b.go(urls.demo);
        for (const end = Date.now() + 30_000; !(await b.exec('return document.body.dataset.ready === "true";'));) {
          assert.ok(Date.now() < end, `${engine}: the demo page never became ready`);
          await new Promise((r) => setTimeout(r, 100));
        }
        const kinds = await b.exec('return [...document.querySelectorAll("button[data-kind]")].map((b) => b.dataset.kind);');
        assert.equal(kinds.length, 9);
        for (const kind of kinds) {
          await b.click(`button[data-kind="${kind}"]`);
          await new Promise((r) => setTimeout(r, kind === 'panic' ? 1500 : 400));
        }
        let issues = [];
        // Until every kind has its issue, or 90 s (a loaded machine delivers late, never less).
        for (const end = Date.now() + 90_000; Date.now() < end;) {
          const res = await fetch(`${urls.inbox}api/0/projects/${project}/issues/`);
          issues = await res.json();
          if (issues.length >= kinds.length) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        const titles = issues.map((i) => i.title).join('\n');
        for (const want of ['card declined', 'panic', 'thrown by JS called from wasm', 'inventory sync failed',
          'HTTP Client Error', 'order failed', 'all warehouses failed', 'low disk space',
          'promise rejection with keys: code="E_TIMEOUT", retryAfter=3']) {
          assert.ok(titles.includes(want), `${engine}: no issue titled with "${want}" in:\n${titles}`);
        }
        assert.equal(issues.length, kinds.length, titles);
        // No issue's culprit is the package's own code (issue 17): not its files, not the crate's
        // JS snippet or wasm-bindgen import in the Rust app, not the crate's Rust functions.
        for (const i of issues) {
          assert.ok(!/\/pkg\/|__errorbeacon|errorbeacon::|snippets\/errorbeacon-|eb_stack|__wbg_/.test(i.culprit), `${engine}: ${i.title}: culprit ${i.culprit}`);
        }
        // The page's own uncaught errors are the point of the demo; none may come from errorbeacon.
        assert.ok(!(b.pageErrors ?? []).some((e) => /errorbeacon|\[eb\]/i.test(e)), (b.pageErrors ?? []).join('\n'));
        await b.go(urls.inbox);
        await b.screenshot(join(ROOT, `tmp/demo-inbox-${engine.toLowerCase()}.png`));
      });
    } finally {
      servers.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
