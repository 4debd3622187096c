// captureException speed in real browsers, errorbeacon beside @sentry/browser in the same page
// (bench/capture/page.js says what is timed). Runs headless Chromium (playwright-core) and
// Firefox ESR (self-driving page), and writes a markdown section.
//
//   node bench/capture.mjs [--rounds N] [--out FILE]
import { createServer } from 'node:http';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { staticHandler, HOST } from '../tools/serve.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const ROUNDS = Number(opt('--rounds', 7));
const OUT = opt('--out', null);

const tmp = mkdtempSync(join(tmpdir(), 'eb-capture-bench-'));
execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [join(ROOT, 'bench/capture/sentry-entry.js'), '--bundle', '--format=esm', '--minify',
  `--outfile=${join(tmp, 'sentry.js')}`, '--log-level=warning'], { stdio: 'inherit' });
const sentryVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/@sentry/browser/package.json'), 'utf8')).version;

let waiting = null;
const files = staticHandler({ root: ROOT });
const server = createServer((req, res) => {
  if (req.url.startsWith('/tmp-bench/sentry.js')) {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(readFileSync(join(tmp, 'sentry.js')));
    return;
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
  files(req, res);
});
await new Promise((ok) => server.listen(0, HOST, ok));
const url = `http://${HOST}:${server.address().port}/bench/capture/page.html?rounds=${ROUNDS}`;
const result = () => new Promise((ok, fail) => {
  const t = setTimeout(() => fail(new Error('no result from the page in 300 s')), 300_000);
  waiting = (r) => {
    clearTimeout(t);
    ok(r);
  };
});

async function inChromium() {
  const profile = mkdtempSync(join(tmp, 'chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const pending = result();
    await (ctx.pages()[0] || (await ctx.newPage())).goto(url);
    return await pending;
  } finally {
    await ctx.close();
  }
}

async function inFirefox() {
  const profile = mkdtempSync(join(tmp, 'firefox-'));
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

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (xs) => `**${median(xs).toFixed(1)}** (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
const lines = ['## captureException', '',
  'Time per `captureException(error)` of an Error with a ~25-frame stack, from the call until the envelope',
  'is handed to the transport, in µs: median of ' + ROUNDS + ' rounds (each round the mean over 50 batches of 20',
  'captures), with the slowest and fastest round. Both SDKs in the same page, with a transport that only',
  'counts, fresh Error objects (their `stack` read beforehand), dedupe off; see `bench/capture/page.js`.',
  `@sentry/browser ${sentryVersion} bundled by esbuild.`, '',
  '| browser | frames | errorbeacon | @sentry/browser (default integrations) | @sentry/browser (no integrations) |', '|---|--:|--:|--:|--:|'];
try {
  for (const [name, run] of [['Chromium (headless)', inChromium], ['Firefox ESR (headless)', inFirefox]]) {
    const r = await run();
    if (r.error) throw new Error(`${name}: ${r.error}`);
    const s = r.sentry;
    lines.push(`| ${name} | ${r.frames} | ${fmt(r.errorbeacon)} | ${fmt(s['default integrations (minus dedupe)'])} | ${fmt(s['no integrations'])} |`);
    console.log(lines.at(-1));
  }
} finally {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}
lines.push('', 'Command: `node bench/capture.mjs` (run by `scripts/bench.sh`).', '');
if (OUT) writeFileSync(OUT, lines.join('\n'));
else console.log(lines.join('\n'));
