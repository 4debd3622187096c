// Cold start in real browsers: a fresh profile per load (no HTTP or compiled-code cache), the
// page imports the package and awaits `init` (default integrations). With the package's JS and
// wasm preloaded first (bench/coldstart/page.html?preload), import -> init resolved is the
// target's "module fetched -> init resolved": compile + instantiate + init. Without preload, the
// browser's loopback fetches are in it too. Headless Chromium (playwright-core) and Firefox ESR.
//
//   node bench/coldstart.mjs [--loads N] [--out FILE]
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const LOADS = Number(opt('--loads', 9));
const OUT = opt('--out', null);
const tmp = mkdtempSync(join(tmpdir(), 'eb-coldstart-'));

let waiting = null;
const files = staticHandler({ root: ROOT });
const server = createServer((req, res) => {
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
const base = `http://${HOST}:${server.address().port}/bench/coldstart/page.html`;
const result = () => new Promise((ok, fail) => {
  const t = setTimeout(() => fail(new Error('no result from the page in 60 s')), 60_000);
  waiting = (r) => {
    clearTimeout(t);
    if (r.error) fail(new Error(r.error));
    else ok(r);
  };
});

async function chromiumLoad(i, url) {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmp, `chromium-${i}-`)), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const pending = result();
    await (ctx.pages()[0] || (await ctx.newPage())).goto(url);
    return await pending;
  } finally {
    await ctx.close();
  }
}

async function firefoxLoad(i, url) {
  const profile = mkdtempSync(join(tmp, `firefox-${i}-`));
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
const cell = (xs) => `**${median(xs).toFixed(2)}** (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
const lines = ['## Cold start', '',
  `Import of the package → \`init\` resolved (default integrations), in ms: median of ${LOADS} page loads, each in a`,
  'fresh browser profile (no HTTP cache, no compiled-code cache), with the slowest and fastest load. "Preloaded":',
  'the page fetched the JS (`modulepreload`) and the wasm (`preload`) first, so the interval is the target\'s',
  '"module fetched → init resolved": compiling and instantiating the wasm, then `init`. "Not preloaded": the',
  'browser\'s fetches of both over loopback are included. See `bench/coldstart/page.html`.', '',
  '| browser | preloaded (module fetched → init resolved) | not preloaded |', '|---|--:|--:|'];
try {
  for (const [name, load] of [['Chromium (headless)', chromiumLoad], ['Firefox ESR (headless)', firefoxLoad]]) {
    const pre = [];
    const cold = [];
    for (let i = 0; i < LOADS; i++) {
      pre.push((await load(i, `${base}?preload`)).ms);
      cold.push((await load(i, base)).ms);
    }
    lines.push(`| ${name} | ${cell(pre)} | ${cell(cold)} |`);
    console.log(lines.at(-1));
  }
} finally {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}
lines.push('', 'Target (issue 4): ≤ 1 ms in Chromium. Command: `node bench/coldstart.mjs` (run by `scripts/bench.sh`).', '');
if (OUT) writeFileSync(OUT, lines.join('\n'));
else console.log(lines.join('\n'));
