// What the browser benches share: a loopback server for the repository whose pages post one
// JSON result to /result, and page loads in headless Chromium (playwright-core), Firefox ESR
// (self-driving: the page posts its result, then the process is killed), each in a fresh profile,
// and WebKitGTK (tools/webkit.mjs, a fresh WebDriver session each).
// With `isolated`, every response carries COOP/COEP, so the pages are cross-origin isolated:
// `performance.now()` then ticks every 5 µs in Chromium and 20 µs in Firefox instead of 100 µs
// and 1 ms (Firefox's 1 ms made a capture median move by whole microseconds from rounding
// alone). Not for the cold start: isolation made Chromium's not-preloaded loads ~15 ms slower.
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { staticHandler, HOST } from '../tools/serve.mjs';
import { withWebKit } from '../tools/webkit.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Starts the server; `route(req, res)` may answer a request first (returns true when it did).
 * Returns { origin, load(browser, url, profileDir) -> the page's result, close() }. A result
 * with an `error` field, none within `timeoutMs`, or (with `isolated`) one without
 * `isolated: true`, rejects.
 */
export async function startPages({ route = () => false, timeoutMs = 60_000, isolated = false } = {}) {
  let waiting = null;
  const files = staticHandler({ root: ROOT });
  const server = createServer((req, res) => {
    if (isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (req.method === 'POST' && req.url === '/result') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200);
        res.end();
        waiting?.(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      });
      return;
    }
    if (!route(req, res)) files(req, res);
  });
  await new Promise((ok) => server.listen(0, HOST, ok));
  const result = () => new Promise((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`no result from the page in ${timeoutMs / 1000} s`)), timeoutMs);
    waiting = (r) => {
      clearTimeout(t);
      if (r.error) fail(new Error(r.error));
      else if (isolated && r.isolated !== true) fail(new Error('the page was not cross-origin isolated (its timers are coarse): it must report `isolated: crossOriginIsolated`'));
      else ok(r);
    };
  });

  async function inChromium(url, profile) {
    const ctx = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true, args: CHROMIUM_ARGS });
    try {
      const pending = result();
      await (ctx.pages()[0] || (await ctx.newPage())).goto(url);
      return await pending;
    } finally {
      await ctx.close();
    }
  }

  async function inFirefox(url, profile) {
    writeFileSync(join(profile, 'user.js'), 'user_pref("app.update.enabled", false);\nuser_pref("toolkit.telemetry.enabled", false);\n');
    const pending = result();
    const child = spawn(process.env.FIREFOX || '/usr/bin/firefox-esr', ['-headless', '-no-remote', '-profile', profile, url], { stdio: 'ignore', detached: true });
    try {
      return await pending;
    } finally {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
  }

  /** WebKitGTK's MiniBrowser: each WebDriver session is a new, ephemeral one (no profile). */
  function inWebKit(url) {
    return withWebKit(async (wd) => {
      const pending = result();
      await wd.go(url);
      return await pending;
    });
  }

  const engines = { chromium: inChromium, firefox: inFirefox, webkit: inWebKit };
  return {
    origin: `http://${HOST}:${server.address().port}`,
    /** Loads `url` in 'chromium', 'firefox' or 'webkit' with a fresh profile made under `dir`. */
    load: (browser, url, dir) => engines[browser](url, mkdtempSync(join(dir, `${browser}-`))),
    close: () => server.close(),
  };
}
