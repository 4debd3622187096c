// captureException speed in real browsers, errorbeacon beside @sentry/browser in the same page
// (bench/capture/page.js says what is timed). Runs headless Chromium (playwright-core) and
// Firefox ESR (self-driving page), and writes a markdown section.
//
//   node bench/capture.mjs [--rounds N] [--warmup N] [--loads N] [--out FILE]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPages } from './pages.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const ROUNDS = Number(opt('--rounds', 7));
const WARMUP = Number(opt('--warmup', 2));
// Page loads per browser, each in a fresh profile: one Firefox load's rounds can all sit ~1.5x
// above another's (seen: medians 17 and 28 µs minutes apart), so the rounds of several are pooled.
const LOADS = Number(opt('--loads', 3));
const OUT = opt('--out', null);

const tmp = mkdtempSync(join(tmpdir(), 'eb-capture-bench-'));
execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [join(ROOT, 'bench/capture/sentry-entry.js'), '--bundle', '--format=esm', '--minify',
  `--outfile=${join(tmp, 'sentry.js')}`, '--log-level=warning'], { stdio: 'inherit' });
const sentryVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/@sentry/browser/package.json'), 'utf8')).version;

const pages = await startPages({
  timeoutMs: 300_000,
  isolated: true,
  route(req, res) {
    if (!req.url.startsWith('/tmp-bench/sentry.js')) return false;
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(readFileSync(join(tmp, 'sentry.js')));
    return true;
  },
});
const url = `${pages.origin}/bench/capture/page.html?rounds=${ROUNDS}&warmup=${WARMUP}`;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (xs) => `**${median(xs).toFixed(1)}** (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
const lines = ['## captureException', '',
  'Time per `captureException(error)` of an Error with a ~25-frame stack, from the call until the envelope',
  'is handed to the transport, in µs: median of ' + LOADS * ROUNDS + ' rounds (' + LOADS + ' page loads in fresh profiles × ' + ROUNDS + ' rounds; each round',
  'the mean over 50 batches of 20 captures), with the slowest and fastest round. Each load first runs ' + WARMUP + ' untimed',
  'rounds of each SDK (the first round runs while the engines still compile their optimized tiers: 3-5× slower). Both SDKs in the same page, with a transport that only',
  'counts, fresh Error objects (their `stack` read beforehand), dedupe off; see `bench/capture/page.js`.',
  'The page is cross-origin isolated (COOP/COEP), so `performance.now()` ticks every 5 µs (Chromium) / 20 µs',
  '(Firefox) rather than 100 µs / 1 ms.',
  `@sentry/browser ${sentryVersion} bundled by esbuild.`, '',
  'Measured both ways (issue 25): each SDK with its default integrations (dedupe off), and each with none.',
  'The speed floor is errorbeacon at least 5× faster than @sentry/browser, default integrations on both sides.', '',
  '| browser | frames | errorbeacon (default integrations) | @sentry/browser (default integrations) | ratio | errorbeacon (no integrations) | @sentry/browser (no integrations) | ratio |',
  '|---|--:|--:|--:|--:|--:|--:|--:|'];
try {
  for (const [name, browser] of [['Chromium (headless)', 'chromium'], ['Firefox ESR (headless)', 'firefox'], ['WebKitGTK MiniBrowser (Xvfb)', 'webkit']]) {
    const all = { ebDefault: [], ebNone: [], default: [], none: [], frames: 0 };
    for (let l = 0; l < LOADS; l++) {
      const r = await pages.load(browser, url, tmp).catch((e) => {
        throw new Error(`${name}: ${e.message}`);
      });
      all.ebDefault.push(...r.errorbeacon['default integrations (minus dedupe)']);
      all.ebNone.push(...r.errorbeacon['no integrations']);
      all.default.push(...r.sentry['default integrations (minus dedupe)']);
      all.none.push(...r.sentry['no integrations']);
      all.frames = r.frames;
    }
    const ratio = (a, b) => `${(median(b) / median(a)).toFixed(1)}×`;
    lines.push(`| ${name} | ${all.frames} | ${fmt(all.ebDefault)} | ${fmt(all.default)} | ${ratio(all.ebDefault, all.default)} | ` +
      `${fmt(all.ebNone)} | ${fmt(all.none)} | ${ratio(all.ebNone, all.none)} |`);
    console.log(lines.at(-1));
  }
} finally {
  pages.close();
  rmSync(tmp, { recursive: true, force: true });
}
lines.push('', 'Command: `node bench/capture.mjs` (run by `scripts/bench.sh`).', '');
if (OUT) writeFileSync(OUT, lines.join('\n'));
else console.log(lines.join('\n'));
