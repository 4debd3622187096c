// Cold start in real browsers: a fresh profile per load (no HTTP or compiled-code cache), the
// page imports the package and awaits `init` (default integrations). With the package's JS and
// wasm preloaded first (bench/coldstart/page.html?preload), import -> init resolved is the
// target's "module fetched -> init resolved": compile + instantiate + init. Without preload, the
// browser's loopback fetches are in it too. Headless Chromium (playwright-core) and Firefox ESR.
//
//   node bench/coldstart.mjs [--loads N] [--out FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPages } from './pages.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const LOADS = Number(opt('--loads', 9));
const OUT = opt('--out', null);
const tmp = mkdtempSync(join(tmpdir(), 'eb-coldstart-'));

const pages = await startPages();
const base = `${pages.origin}/bench/coldstart/page.html`;
const floorPage = `${pages.origin}/bench/coldstart/floor.html`;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const cell = (xs) => `**${median(xs).toFixed(2)}** (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
const lines = ['## Cold start', '',
  `Import of the package → \`init\` resolved (default integrations), in ms: median of ${LOADS} page loads, each in a`,
  'fresh browser profile (no HTTP cache, no compiled-code cache), with the slowest and fastest load. "Preloaded":',
  'the page fetched the JS (`modulepreload` of index.js and core.js) and the wasm (`preload`) first, so the interval is the target\'s',
  '"module fetched → init resolved": compiling and instantiating the wasm, then `init`. "Not preloaded": the',
  'browser\'s fetches of both over loopback are included. See `bench/coldstart/page.html`. "Floor": the same',
  'steps as "preloaded" with a module that does nothing (`bench/coldstart/floor.html`: import a 4-line module,',
  'compile and instantiate a 35-byte wasm), loaded in turn with the others: what this machine charges any wasm',
  'package before it does anything.', '',
  '"First capture": preloaded, from the import until a `captureException` made right after `init` resolved has',
  'handed its envelope to the transport (init configures the client in the next task or at the first call).',
  '"Above floor": the median of each preloaded load minus the floor load made right after it: the part of the',
  'cold start that is the package\'s own, with what the machine charged any module at that moment taken out.', '',
  '| browser | preloaded (module fetched → init resolved) | above floor | not preloaded | floor (empty module, preloaded) | first capture (preloaded) |',
  '|---|--:|--:|--:|--:|--:|'];
try {
  for (const [name, browser] of [['Chromium (headless)', 'chromium'], ['Firefox ESR (headless)', 'firefox'], ['WebKitGTK MiniBrowser (Xvfb)', 'webkit']]) {
    const pre = [];
    const cold = [];
    const floor = [];
    const first = [];
    for (let i = 0; i < LOADS; i++) {
      const r = await pages.load(browser, `${base}?preload`, tmp);
      pre.push(r.ms);
      first.push(r.first);
      floor.push((await pages.load(browser, floorPage, tmp)).ms);
      cold.push((await pages.load(browser, base, tmp)).ms);
    }
    const above = pre.map((ms, i) => ms - floor[i]);
    lines.push(`| ${name} | ${cell(pre)} | ${cell(above)} | ${cell(cold)} | ${cell(floor)} | ${cell(first)} |`);
    console.log(lines.at(-1));
  }
} finally {
  pages.close();
  rmSync(tmp, { recursive: true, force: true });
}
lines.push('', 'Targets (issue 25): above the floor ≤ 1 ms in Chromium, ≤ 5 ms in Firefox. Command: `node bench/coldstart.mjs` (run by `scripts/bench.sh`).', '');
if (OUT) writeFileSync(OUT, lines.join('\n'));
else console.log(lines.join('\n'));
